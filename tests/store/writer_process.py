"""Child process for the kill -9 test: appends versions to one client forever.

Usage: python writer_process.py DATABASE_URL CLIENT_ID. Prints each committed version number on
its own line, after the commit returns. Every version's snapshot is derived from its number, so
the parent can check that each stored version is complete.
"""

from __future__ import annotations

import sys

from scoring.store import Store

PAYLOAD_LENGTH = 200_000  # a big snapshot, so a kill often lands while a write is in flight
FIELD_COUNT = 120


def snapshot(version: int) -> dict[str, object]:
    fields: dict[str, object] = {f"FIELD_{index:03d}": version * 1000 + index for index in range(FIELD_COUNT)}
    fields["VERSION_MARK"] = version
    fields["PAYLOAD"] = str(version % 10) * PAYLOAD_LENGTH
    return fields


def main() -> None:
    database_url, client_id = sys.argv[1], int(sys.argv[2])
    store = Store(database_url)
    while True:
        current = store.current(client_id).version
        store.append_version(client_id, expected_version=current, fields=snapshot(current + 1), author="writer",
                             reason=f"version {current + 1}", probability_of_default=None, decision=None,
                             model_version=None)
        print(current + 1, flush=True)


if __name__ == "__main__":
    main()
