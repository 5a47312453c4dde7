"""Background counting: a Tally row follows the task's status and progress."""

import logging
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Tally, TallyStatus
from .tallying import checksum, count_pot, stored_ballots

logger = logging.getLogger(__name__)
# Progress is written at most this often, so counting is not slowed by its own reporting.
PROGRESS_INTERVAL = 0.5


@task()
def run_tally(*, tally_id: int) -> str:
    """Count every pot of the tally's round from the stored ballots; returns the final status."""
    tally = Tally.objects.select_related("round").get(pk=tally_id)
    if tally.status not in (TallyStatus.QUEUED, TallyStatus.FAILED):
        return tally.status
    round_page = tally.round.specific
    pots = round_page.pots()
    Tally.objects.filter(pk=tally_id).update(status=TallyStatus.RUNNING, total=len(pots), done=0)
    try:
        ballots = stored_ballots(round_page)
        results = []
        last = [0.0]

        for index, pot in enumerate(pots):

            def progress(done, total, index=index):
                now = time.monotonic()
                if now - last[0] >= PROGRESS_INTERVAL and total:
                    last[0] = now
                    scaled = index * 1000 + int(1000 * done / total)
                    Tally.objects.filter(pk=tally_id).update(done=scaled, total=len(pots) * 1000)

            results.append(
                count_pot(
                    round_page,
                    pot["district"].pk if pot["district"] else None,
                    pot["budget"],
                    tally.rule,
                    tally.tie_order,
                    ballots,
                    progress,
                )
            )
        with transaction.atomic():
            Tally.objects.filter(pk=tally_id).update(
                status=TallyStatus.DONE,
                pots=results,
                checksum=checksum(round_page, ballots, tally.rule, tally.tie_order),
                ballot_count=len(ballots),
                done=len(pots) * 1000 or 1,
                total=len(pots) * 1000 or 1,
                finished_at=timezone.now(),
            )
    except Exception as exc:
        logger.exception("Counting tally %s failed", tally_id)
        Tally.objects.filter(pk=tally_id).update(
            status=TallyStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return TallyStatus.FAILED
    return TallyStatus.DONE
