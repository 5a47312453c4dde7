"""Helpers for race tests: real threads, each with its own database connection."""

import threading

from django.db import connection


def run_together(calls):
    """Run each callable in its own thread with its own database connection, all released at
    once; returns (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def worker(call):
        try:
            prepared = call()  # reads before the barrier, so the writes really collide
            barrier.wait(timeout=60)
            outcome = prepared()
            with lock:
                results.append(outcome)
        except Exception as exc:  # collected and asserted on below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
