"""The sources page: pseudonyms, kinds, organisations and relations (a small graph),
never an identity; a vault entry only for the roles the library allows, on a POST,
written to the audit log each time it is shown."""

from __future__ import annotations

from tests.web.conftest import XSS_SOURCE, Web
from tests.web.test_xss import live

from testimonia.model import Identity
from testimonia.service.audit import read_audit
from testimonia.service.sources import relate_sources
from testimonia.service.vault import set_identity

NAME = "Amadou Exemple"


def _prepare(web: Web) -> None:
    with web.open_as("s-admin") as admin:
        relate_sources(admin, "Kadi", "Oleg", "same_intermediary", "one fixer")
        set_identity(admin, "Kadi", Identity(NAME, contacts=["+223 70 00 00 01"], home="Dogofry"))


def test_a_reviewer_sees_pseudonyms_and_relations_never_an_identity(web: Web) -> None:
    _prepare(web)
    csrf = web.sign_in("s-reviewer")
    page = web.client.get("/sources")
    assert page.status_code == 200
    for words in ("<td>Kadi</td><td>survivor</td><td>Sahel Desk</td>", "<td>Oleg</td><td>witness</td>",
                  "entry held", "Kadi — same intermediary → Oleg (one fixer)", '<path class="relation"'):
        assert words in page.text, words
    assert NAME not in page.text and "Dogofry" not in page.text and "Show identity" not in page.text
    refused = web.client.post("/sources/identity", data={"csrf_token": csrf, "source": "Kadi"})
    assert refused.status_code == 403 and NAME not in refused.text
    with web.open_as("s-admin") as admin:
        entries = read_audit(admin).entries
    assert not [e for e in entries if e.action == "vault_read"]
    assert entries[-1].action == "refused" and entries[-1].actor == "s-reviewer"


def test_an_admin_reads_a_vault_entry_and_the_view_is_audited(web: Web) -> None:
    _prepare(web)
    csrf = web.sign_in("s-admin")
    page = web.client.get("/sources").text
    assert "Show identity (audited)" in page and NAME not in page
    shown = web.client.post("/sources/identity", data={"csrf_token": csrf, "source": "Kadi"})
    assert shown.status_code == 200 and NAME in shown.text and "Dogofry" in shown.text
    none = web.client.post("/sources/identity", data={"csrf_token": csrf, "source": "Oleg"})
    assert none.status_code == 404 and "holds no identity for &#39;Oleg&#39;" in none.text
    no_csrf = web.client.post("/sources/identity", data={"source": "Kadi"})
    assert no_csrf.status_code == 403 and NAME not in no_csrf.text
    with web.open_as("s-admin") as admin:
        reads = [e for e in read_audit(admin).entries if e.action == "vault_read"]
    assert [(e.actor, e.subject, e.details["purpose"]) for e in reads] == [("s-admin", "Kadi", "show")]


def test_a_partner_sees_none_of_the_sources_and_no_vault(web: Web) -> None:
    _prepare(web)
    csrf = web.sign_in("p-admin")
    page = web.client.get("/sources").text
    assert "Kadi" not in page and "Oleg" not in page and "No sources yet." in page
    other = web.client.post("/sources/identity", data={"csrf_token": csrf, "source": "Kadi"})
    assert other.status_code == 404 and NAME not in other.text


def test_a_pseudonym_with_a_script_payload_is_inert(web: Web) -> None:
    with web.open_as("s-admin") as admin:
        relate_sources(admin, XSS_SOURCE, "Kadi", "relative_of", "<img src=x onerror=alert(3)>")
    web.sign_in("s-admin")
    page = web.client.get("/sources").text
    found = live(page)
    assert [f for f in found if f != "svg"] == [] and found.count("svg") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Ama" in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
