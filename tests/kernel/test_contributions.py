import pytest

from civitas.core.errors import DomainError, NotAllowed
from civitas.participation.models import Channel, new_receipt_code
from civitas.participation.services import contribution_fields
from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db


def test_online_input_needs_an_author_or_a_receipt(home_page):
    process = make_dummy_process(home_page)
    with pytest.raises(NotAllowed):
        contribution_fields(process=process, author=None)
    fields = contribution_fields(process=process, author=None, with_receipt=True)
    assert fields["receipt_code"] and fields["author"] is None


def test_offline_input_needs_who_entered_it(home_page):
    process = make_dummy_process(home_page)
    with pytest.raises(DomainError):
        contribution_fields(process=process, author=None, channel=Channel.PAPER)
    staff = UserFactory()
    fields = contribution_fields(
        process=process, author=None, channel=Channel.PAPER, entered_by=staff
    )
    assert fields["entered_by"] == staff and fields["receipt_code"]


@pytest.mark.parametrize("count", [0, -1, 100_001, "3"])
def test_people_count_is_bounded(home_page, count):
    process = make_dummy_process(home_page)
    with pytest.raises(DomainError):
        contribution_fields(process=process, author=UserFactory(), people_count=count)


def test_unknown_channel_and_bad_submission_key_are_refused(home_page):
    process = make_dummy_process(home_page)
    author = UserFactory()
    with pytest.raises(DomainError):
        contribution_fields(process=process, author=author, channel="carrier_pigeon")
    with pytest.raises(DomainError):
        contribution_fields(process=process, author=author, submission_key="not-a-uuid")


def test_receipt_codes_are_readable_and_distinct():
    codes = {new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == 14 and code.count("-") == 2
        assert not set(code) & set("01IO")  # no look-alike characters
