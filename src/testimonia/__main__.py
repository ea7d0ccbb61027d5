from testimonia.cli.main import run

run()
