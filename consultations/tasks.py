"""Background work of consultations: XLSX exports of large surveys."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .models import ExportJob, ExportStatus, Response, ResponseStatus


def export_path(job) -> str:
    # Not under a public URL: downloads go through a view that checks the permission.
    return f"private/consultations/exports/{job.pk}.xlsx"


@task()
def export_survey(*, job_id: str) -> int:
    """Write the export of one job, recording progress as it goes; returns the row count."""
    from .exports import write_xlsx

    job = ExportJob.objects.select_related("survey").get(pk=job_id)
    total = Response.objects.filter(survey=job.survey, status=ResponseStatus.SUBMITTED).count()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_total=total)
    try:
        buffer = io.BytesIO()
        count = write_xlsx(
            job.survey,
            buffer,
            progress=lambda done: ExportJob.objects.filter(pk=job.pk).update(rows_done=done),
        )
        name = default_storage.save(export_path(job), ContentFile(buffer.getvalue()))
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        rows_done=F("rows_total"),
        file_name=name,
        finished_at=timezone.now(),
    )
    return count
