"""Voting with a mailed single-use code and no account: the code is the proof, checked by the
service; wrong codes are rate-limited; the receipt is shown; the roll knows only the code."""

import pytest

from budgeting import services
from budgeting.models import Ballot, VoterRecord, VotingCode
from budgeting.views import CREDENTIAL_RATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_round(make_round_page, make_proposal):
    round_page = make_round_page("vote", verification="code", district_budgets=False)
    project = make_proposal(round_page)
    codes = services.voting_codes_generate(round=round_page, count=2, by=None)
    return round_page, project, codes


def test_a_resident_votes_with_a_code_without_signing_up(client, code_round):
    round_page, project, (code, _other) = code_round
    url = f"{round_page.url}vote/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="credential"' in page.content.decode()
    assert "Voting code" in page.content.decode()
    review = client.post(url, {"action": "review", "project": [project.pk], "credential": code})
    assert review.status_code == 200 and not Ballot.objects.exists()
    cast = client.post(url, {"action": "confirm", "project": [project.pk], "credential": code})
    assert cast.status_code == 302 and cast["Location"].endswith("vote/done/")
    done = client.get(cast["Location"])
    receipt = done.context["receipt"]
    assert receipt and receipt in done.content.decode()
    assert services.receipt_counted(round=round_page, receipt=receipt)
    (ballot,) = Ballot.objects.all()
    assert ballot.choices == [project.pk]
    # The roll row is keyed by the code alone; the code row knows when, not who or what.
    (record,) = VoterRecord.objects.all()
    assert record.entered_by is None and code not in record.voter_key
    used = VotingCode.objects.get(used_at__isnull=False)
    assert used.holder_tag == ""


def test_a_used_code_is_refused_and_stores_nothing(client, code_round):
    round_page, project, (code, _other) = code_round
    url = f"{round_page.url}vote/"
    data = {"action": "confirm", "project": [project.pk], "credential": code}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 409
    assert "already been used" in again.content.decode()
    assert Ballot.objects.count() == 1 and VoterRecord.objects.count() == 1


def test_rounds_checked_by_email_still_send_anonymous_people_to_sign_in(
    client, round_page, ballot_projects
):
    response = client.get(f"{round_page.url}vote/")
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(
        f"{round_page.url}vote/", {"action": "confirm", "project": [ballot_projects["a"].pk]}
    )
    assert response.status_code == 302 and not Ballot.objects.exists()


def test_guessing_codes_is_slowed_down(client, code_round):
    round_page, project, (code, _other) = code_round
    url = f"{round_page.url}vote/"
    allowed = int(CREDENTIAL_RATE.split("/")[0])
    for n in range(allowed):
        wrong = client.post(
            url, {"action": "confirm", "project": [project.pk], "credential": f"WRONG-{n:04}"}
        )
        assert wrong.status_code == 400
    # One more wrong code is still answered; after it the address must wait, right code or not.
    assert client.post(url, {"action": "confirm", "credential": "WRONG-LAST"}).status_code == 400
    blocked = client.post(url, {"action": "confirm", "project": [project.pk], "credential": code})
    assert blocked.status_code == 429
    assert not Ballot.objects.exists() and VotingCode.objects.filter(used_at=None).count() == 2


def test_a_right_code_is_never_counted_as_a_guess(client, make_round_page, make_proposal):
    round_page = make_round_page("vote", verification="code", district_budgets=False)
    project = make_proposal(round_page)
    allowed = int(CREDENTIAL_RATE.split("/")[0])
    codes = services.voting_codes_generate(round=round_page, count=allowed + 2, by=None)
    url = f"{round_page.url}vote/"
    for code in codes:  # a household or a help desk voting with many letters
        response = client.post(
            url, {"action": "confirm", "project": [project.pk], "credential": code}
        )
        assert response.status_code == 302
    assert Ballot.objects.count() == allowed + 2
