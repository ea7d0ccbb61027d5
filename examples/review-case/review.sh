#!/usr/bin/env bash
# FICTIONAL SAMPLE — runs the scripted analyst review of the invented review case
# (examples/review-case/: all names are pseudonyms, no real person or testimony).
#
# From the repository root, after `make install`:
#
#     examples/review-case/review.sh            # build, review, analyse, check; then delete
#     examples/review-case/review.sh --keep     # keep the workspace and key files (path printed)
#     REVIEW_PLAN=other.yaml examples/review-case/review.sh   # try another plan
#
# It creates a fresh workspace in a temporary folder: South Ukraine Desk (who creates it)
# and Réseau Sahel Témoins (added as a second organisation) each import sources.yaml and
# ingest testimonies/ with the source map — sources.yaml files every source under one of
# the two organisations, and a source can only be imported by its own organisation, so
# both must exist. Réseau Sahel Témoins shares its documents with South Ukraine Desk, and
# South Ukraine Desk's case-admin extracts, applies review.yaml (every claim of the 12
# documents coded by hand, the extractor's proposals rejected) and runs the analysis,
# which covers all 12 documents as that organisation sees them. Finally it checks the
# outcome stated in README.md section 9 and exits 1 if any check fails.
set -euo pipefail

CASE=examples/review-case
BIN=${TESTIMONIA_BIN:-.venv/bin/testimonia}
PYTHON=${PYTHON_BIN:-.venv/bin/python}
if [[ ! -x $BIN || ! -d $CASE ]]; then
    echo "Run from the repository root after \`make install\` ($BIN not found)." >&2
    exit 2
fi
KEEP=${1:-}
PLAN=${REVIEW_PLAN:-$CASE/review.yaml}  # another plan to try: REVIEW_PLAN=path

TMP=$(mktemp -d "${TMPDIR:-/tmp}/review-case.XXXXXX")
chmod 700 "$TMP"
if [[ $KEEP != --keep ]]; then
    trap 'rm -rf "$TMP"' EXIT
fi
WS=$TMP/ws
export TESTIMONIA_PASSPHRASE=${TESTIMONIA_PASSPHRASE:-review-case-passphrase-not-for-real-use}

# Each person acts with their own credential (a key file, outside the workspace).
run_as() {  # run_as USER COMMAND…: run a testimonia command as that user
    local user=$1
    shift
    TESTIMONIA_ACTOR=$user TESTIMONIA_USER_KEY_FILE=$TMP/$user.key "$BIN" "$@"
}

"$BIN" keygen "$TMP/case-admin.key" >/dev/null
TESTIMONIA_ACTOR=case-admin TESTIMONIA_USER_KEY_FILE=$TMP/case-admin.key \
    "$BIN" init "$WS" --org "South Ukraine Desk"
run_as case-admin org add "Réseau Sahel Témoins" --admin sahel-admin --key-file "$TMP/sahel-admin.key" -w "$WS"

# Both organisations import their sources before anyone ingests: ingest creates a source it
# does not know from the front matter, under the ingesting organisation.
for user in case-admin sahel-admin; do
    run_as "$user" source import "$CASE/sources.yaml" -w "$WS"
done
for user in case-admin sahel-admin; do  # the unattributed note goes to whoever ingests first
    run_as "$user" ingest "$CASE/testimonies" --source-map "$CASE/sources.yaml" -w "$WS"
done
run_as sahel-admin share all --with "South Ukraine Desk" -w "$WS"

run_as case-admin extract -w "$WS"
run_as case-admin review --apply "$PLAN" -w "$WS"

run_as case-admin findings -w "$WS"
run_as case-admin transfers -w "$WS"
run_as case-admin persons -w "$WS"

# The outcome README.md section 9 states, checked on the JSON results.
run_as case-admin findings --json -w "$WS" >"$TMP/findings.json"
run_as case-admin transfers --json -w "$WS" >"$TMP/transfers.json"
status=0
"$PYTHON" - "$TMP/findings.json" "$TMP/transfers.json" <<'EOF' || status=$?
"""FICTIONAL SAMPLE: README.md section 9, item by item, on `findings --json` and `transfers --json`."""
import json
import sys

findings = json.load(open(sys.argv[1], encoding="utf-8"))
transfers = json.load(open(sys.argv[2], encoding="utf-8"))
# Event A is the police station in Melitopol (the plan names it "Melitopol@police_station");
# the convoy left from "Melitopol", as the sources say: the town.
A, B = "site:supp:ua_melitopol/police_station", "site:supp:ml_sevare/military_camp"
MELITOPOL = "site:supp:ua_melitopol"
C, D = "site:supp:ru_taganrog/pretrial_detention_centre", "site:supp:ml_tessalit/former_un_base"
EVENTS = {  # site: (the two sources, the allegations both support, the year)
    A: ({"Ternovyi", "Osokina"}, {"act:detention", "beating", "electric_shock"}, "2022"),
    B: ({"Yéro", "Siaka"}, {"act:detention", "confinement_in_container", "beating"}, "2023"),
    C: ({"Lagunov", "Sedykh"}, {"act:detention", "beating", "dog_attack", "forced_nudity"}, "2022"),
    D: ({"Elmehdi", "Sidi"}, {"act:detention", "waterboarding", "suffocation"}, "2024"),
}
RELATED = {"Horlytsia": "Ternovyi"}  # relative_of: one group with her son
failures = []


def check(ok, what):
    print(("PASS  " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def label(f):
    return f"{f['site_name']} · {f['allegation']} · {f['period']}"


def g_of(f):
    return [set(g) for g in f["groups"]]


corroborated = [f for f in findings if f["status"] == "corroborated"]
# 1. Exactly four corroborated events, each by its two independent first-hand sources.
for f in corroborated:
    pair = EVENTS.get(f["site"], (set(),))[0]
    heads = {RELATED.get(m, m) for g in g_of(f) for m in g}
    check(f["site"] in EVENTS and heads == pair and f["independent_sources"] == 2
          and f["first_hand_sources"] == 2,
          f"1. corroborated {label(f)}: only by {sorted(pair) or 'no event'}, two independent, "
          f"both first-hand (got groups {f['groups']}, {f['independent_sources']} independent, "
          f"{f['first_hand_sources']} first-hand)")
for site, (pair, core, year) in EVENTS.items():
    for allegation in sorted(core):
        found = [f for f in corroborated if f["site"] == site and f["allegation"] == allegation
                 and f["period"].startswith(year)]
        check(len(found) == 1, f"1. {site} · {allegation} · {year} corroborated by "
              f"{' + '.join(sorted(pair))} (found {len(found)})")
# 2. Container No. 3 is inside the Sévaré camp: its claims count for the camp's findings
#    (B above), and the container keeps its own, finer place without making a second event.
container = [f for f in findings if "ml_sevare" in f["site"] and f["site"] != B]
check(bool(container) and all(f["status"] != "corroborated" for f in container)
      and all(set(f["claims"]) <= {c for g in findings if g["site"] == B for c in g["claims"]}
              for f in container),
      "2. Sévaré: container No. 3 keeps its place and counts for the camp, not as a second event")
# 3. The relative counts once, in Ternovyi's group.
apart = [label(f) for f in findings if any("Horlytsia" in g and "Ternovyi" not in g for g in g_of(f))]
check(not apart, f"3. Horlytsia never an independent source apart from Ternovyi ({apart or 'ok'})")
a_core = [f for f in findings if f["site"] == A and f["allegation"] in EVENTS[A][1] and f["period"].startswith("2022")]
check(all(f["independent_sources"] == 2 for f in a_core) and a_core,
      "3. event A stays at two independent sources: "
      + "; ".join(f"{f['allegation']} {f['groups']}" for f in a_core))
# 4. The unattributed note is never counted.
sources = {s for f in findings for s in f["sources"]}
check(not any(s.startswith("document ") for s in sources) and
      not [f for f in findings if f["status"] == "unattributed"],
      "4. the note is never a source, and supports no finding on its own")
d_core = [f for f in findings if f["site"] == D and f["allegation"] in EVENTS[D][1]]
check(bool(d_core) and all(f["independent_sources"] == 2 and len(f["unattributed_documents"]) == 1
                           for f in d_core),
      "4. event D stays at two sources; the note is listed in unattributed_documents")
# 5. The denial stands against the ill-treatment findings at A only.
denied = sorted(label(f) for f in findings if f["contradicted_by"])
expected = sorted(label(f) for f in a_core if f["allegation"] in ("beating", "electric_shock"))
check(denied == expected and all({c["source"] for c in f["contradicted_by"]} == {"Kedrov"}
                                 for f in findings if f["contradicted_by"]),
      f"5. Kedrov's denial contradicts exactly {expected} (got {denied})")
# 6. One trajectory for Danylo: Melitopol (August 2022) -> SIZO-2 Taganrog (from 27 October 2022).
danylo = [t for t in transfers["trajectories"]
          if t["victim"] == "Danylo" or any(n in t["victim"] for n in ("Данило", "Данила", "Danylo"))]
stops = [(s["site"], (s["period"] or {}).get("start")) for t in danylo for s in t["stops"]]
moves = [(m["from"], m["to"]) for t in danylo for m in t["transfers"]]
check(len(danylo) == 1 and [s for s, _ in stops] == [A, C] and set(moves) == {(A, C)}
      and str(stops[0][1]).startswith("2022-08") and stops[1][1] == "2022-10-27",
      f"6. one trajectory for Danylo, {A} (2022-08) -> {C} (2022-10-27) (got {len(danylo)}: {stops})")
edges = [(e["from"], e["to"], e["cross_border"]) for e in transfers["edges"]]
check(edges == [(MELITOPOL, C, True)],
      f"C. one transfer route, Melitopol -> Taganrog SIZO-2, across a border (got {edges})")

print(f"\n{len(failures)} of the README section 9 checks failed." if failures
      else "\nAll README section 9 checks hold.")
sys.exit(1 if failures else 0)
EOF

if [[ $KEEP == --keep ]]; then
    echo "Workspace kept in $WS (passphrase: TESTIMONIA_PASSPHRASE=$TESTIMONIA_PASSPHRASE; key files in $TMP)."
fi
exit $status
