"""Analysis: sites, custody trajectories, corroboration and patterns — pure functions over
extracted claims, their sources and the analyst's judgements."""
