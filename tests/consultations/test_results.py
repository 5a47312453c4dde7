"""Results: counts per question from both channels, filters, constant query counts; exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from consultations import services
from consultations.models import Answer, ExportJob, Theme
from consultations.selectors import survey_results
from tests.factories import UserFactory

from .conftest import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(role_user, consultation):
    return role_user("taskforce", name="Tara")


def fill(survey, staff, n, *, offset=0, district=None):
    for i in range(n):
        person = UserFactory()
        answers = {**GOOD, "transport": "bus" if i % 2 else "car", "nps": (i + offset) % 11}
        del answers["bike-safety"], answers["bike-detail"]
        services.response_submit(survey=survey, respondent=person, answers=answers)
        services.response_submit(
            survey=survey,
            respondent=None,
            channel="paper",
            entered_by=staff,
            answers={"transport": "bike", "bike-safety": 5, "idea": '=HYPERLINK("x")'},
            district=district,
            age_band="65_plus",
        )


def test_counts_and_percentages_from_every_channel(survey, staff, district):
    fill(survey, staff, 2, district=district)
    results = survey_results(survey)
    assert results["responses"] == 4
    assert dict(results["by_channel"]) == {"Online": 2, "On paper": 2}
    transport = results["questions"][0]
    assert transport.respondents == 4
    assert [(b.key, b.count, b.percent) for b in transport.bars] == [
        ("bus", 1, 25.0),
        ("bike", 2, 50.0),
        ("car", 1, 25.0),
        ("other", 0, 0.0),
    ]
    paper = survey_results(survey, channel="paper")
    assert paper["responses"] == 2
    assert [b.count for b in paper["questions"][0].bars] == [0, 2, 0, 0]
    assert survey_results(survey, district=district.pk)["questions"][0].respondents == 2
    assert survey_results(survey, age_band="18_29")["responses"] == 0
    rank = next(r for r in results["questions"] if r.question.key == "rank")
    assert [b.key for b in rank.bars] == ["b", "a", "c"]


def test_results_page_queries_do_not_grow_with_responses(
    client, survey, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    results_url = f"{survey.consultation.url}surveys/{survey.pk}/results/"
    fill(survey, staff, 2)
    client.get(results_url + "?channel=paper")  # warms the site and content type caches
    with django_assert_max_num_queries(40) as small:
        assert client.get(results_url + "?channel=paper").status_code == 200
    fill(survey, staff, 12, offset=3)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        page = client.get(results_url + "?channel=paper")
        assert page.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    html = page.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<table>" in html


def test_results_are_public_only_after_the_report(client, make_page, resident):
    open_page = make_page("open")
    survey = open_page.surveys.get()
    client.force_login(resident)
    assert client.get(f"{open_page.url}surveys/{survey.pk}/results/").status_code == 403
    published = make_page("report", title="Done")
    done = published.surveys.get()
    assert client.get(f"{published.url}surveys/{done.pk}/results/").status_code == 200
    assert client.get(f"{published.url}surveys/{done.pk}/results/?channel=nope").status_code == 400
    client.logout()
    assert client.get(f"{published.url}surveys/{done.pk}/results/").status_code == 200


def test_csv_export_is_anonymised_and_formula_safe(client, survey, staff, resident):
    fill(survey, staff, 2)
    client.force_login(resident)
    export_url = f"{survey.consultation.url}surveys/{survey.pk}/csv/"
    assert client.get(export_url).status_code == 403
    client.force_login(staff)
    response = client.get(export_url)
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 5
    assert "@" not in text  # no e-mail address
    header = rows[0]
    idea = header.index("idea Your idea")
    assert rows[2][idea] == '\'=HYPERLINK("x")'
    assert {row[2] for row in rows[1:]} == {"Online", "On paper"}


def test_xlsx_export_runs_as_a_task_and_is_downloaded(
    client, survey, staff, django_capture_on_commit_callbacks
):
    fill(survey, staff, 3)
    client.force_login(staff)
    base = f"{survey.consultation.url}surveys/{survey.pk}/exports/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(base).status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done" and job.rows_total == 6 and job.percent == 100
    assert "Download" in client.get(base).content.decode()
    download = client.get(f"{base}{job.pk}/")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 7
    assert '\'=HYPERLINK("x")' in rows[2]


def test_taskforce_tags_searches_and_hides_free_text(client, survey, staff, resident):
    fill(survey, staff, 1)
    question = survey.questions.get(key="idea")
    answers_url = f"{survey.consultation.url}surveys/{survey.pk}/answers/{question.pk}/"
    client.force_login(resident)
    assert client.get(answers_url).status_code == 403
    client.force_login(staff)
    assert client.post(answers_url, {"action": "add_theme", "name": "Greenery"}).status_code == 302
    assert client.post(answers_url, {"action": "add_theme", "name": ""}).status_code == 400
    theme = Theme.objects.get()
    answer = Answer.objects.get(question=question, text="More trees")
    assert (
        client.post(
            answers_url, {"answer": answer.pk, "themes": [theme.pk], "visibility": "hide"}
        ).status_code
        == 302
    )
    answer.refresh_from_db()
    assert list(answer.themes.all()) == [theme] and answer.hidden_at is not None
    found = client.get(answers_url + "?q=trees").content.decode()
    assert "More trees" in found and "HYPERLINK" not in found
    assert "More trees" in client.get(answers_url + f"?theme={theme.pk}").content.decode()
    assert client.post(answers_url, {"answer": answer.pk, "themes": ["999"]}).status_code == 400


def test_running_totals_follow_changed_responses_and_match_a_recount(survey, staff, resident):
    fill(survey, staff, 2)
    services.response_submit(survey=survey, respondent=resident, answers={"transport": "bus"})
    services.response_submit(
        survey=survey, respondent=resident, answers={"transport": "car", "nps": 4}, age_band="18_29"
    )

    def snapshot():
        results = survey_results(survey)
        by_age = survey_results(survey, age_band="18_29")
        return (
            results["responses"],
            results["by_channel"],
            by_age["responses"],
            [(r.respondents, [b.count for b in r.bars], r.stats) for r in results["questions"]],
        )

    running = snapshot()
    assert running[0] == 5 and running[2] == 1
    services.result_counts_rebuild(survey=survey)
    assert snapshot() == running


def test_number_questions_show_distribution_median_and_range_with_filters(
    client, survey, staff, district
):
    for trips in (0, 2, 2, 7, 40):
        answers = {"transport": "bus", "trips": trips}
        services.response_submit(survey=survey, respondent=UserFactory(), answers=answers)
    # One paper sheet standing for three people who all make 90 trips.
    services.response_submit(
        survey=survey,
        respondent=None,
        channel="paper",
        entered_by=staff,
        answers={"transport": "car", "trips": 90},
        district=district,
        people_count=3,
    )
    trips = next(r for r in survey_results(survey)["questions"] if r.question.key == "trips")
    # 0, 2, 2, 7, 40, 90, 90, 90: median between the 4th and 5th values.
    assert trips.stats == {"count": 8, "mean": 40.12, "median": 23.5, "min": 0, "max": 90}
    assert [(b.label, b.count) for b in trips.histogram] == [
        ("0 to 9", 4),
        ("10 to 19", 0),
        ("20 to 29", 0),
        ("30 to 39", 0),
        ("40 to 49", 1),
        ("50 to 59", 0),
        ("60 to 69", 0),
        ("70 to 79", 0),
        ("80 to 90", 3),
    ]
    assert sum(b.count for b in trips.histogram) == trips.respondents == 8
    online = survey_results(survey, channel="online")["questions"]
    online_trips = next(r for r in online if r.question.key == "trips")
    assert online_trips.stats == {"count": 5, "mean": 10.2, "median": 2, "min": 0, "max": 40}
    in_district = survey_results(survey, district=district.pk)["questions"]
    assert next(r for r in in_district if r.question.key == "trips").stats["median"] == 90
    nobody = survey_results(survey, age_band="18_29")["questions"]
    empty = next(r for r in nobody if r.question.key == "trips")
    assert empty.stats == {} and empty.histogram == []
    client.force_login(staff)
    html = client.get(f"{survey.consultation.url}surveys/{survey.pk}/results/").content.decode()
    assert f'id="chart-h{trips.question.pk}-title"' in html and "80 to 90" in html
    assert "Median (half answered less, half more)" in html and "23.5" in html
    api = client.get(f"/api/v1/consultations/surveys/{survey.pk}/results?channel=online")
    assert api.status_code == 403  # results of an open survey are not public


def test_a_changed_number_answer_moves_in_the_distribution(survey):
    person = UserFactory()
    services.response_submit(
        survey=survey, respondent=person, answers={"transport": "bus", "trips": 3}
    )
    services.response_submit(
        survey=survey, respondent=person, answers={"transport": "bus", "trips": 5}
    )
    trips = next(r for r in survey_results(survey)["questions"] if r.question.key == "trips")
    assert trips.stats["count"] == 1 and trips.stats["median"] == 5
    assert [(b.label, b.count) for b in trips.histogram] == [("5", 1)]


def test_small_whole_ranges_get_one_bar_per_value_and_decimals_get_ranges():
    from consultations.selectors import histogram, number_stats

    assert [(b.label, b.count) for b in histogram([(1, 2), (3, 1)])] == [
        ("1", 2),
        ("2", 0),
        ("3", 1),
    ]
    bars = histogram([(0.5, 1), (2.25, 1)])
    assert (bars[0].label, bars[0].count) == ("0.4 to under 0.6", 1)
    assert (bars[-1].label, bars[-1].count) == ("2.2 to 2.4", 1)
    assert sum(b.count for b in bars) == 2
    assert number_stats([(2.5, 1)]) == {
        "count": 1,
        "mean": 2.5,
        "median": 2.5,
        "min": 2.5,
        "max": 2.5,
    }


def test_once_results_are_public_everyone_reads_the_visible_written_answers(
    client, make_page, role_user
):
    page = make_page("report", title="Done")
    survey = page.surveys.get()
    staff = role_user("taskforce", name="Tara")
    for idea in ("Plant trees by the river", "Call me on 0470 12 34 56", "Trees on Main Street"):
        services.response_submit(
            survey=survey,
            respondent=None,
            channel="paper",
            entered_by=staff,
            answers={"transport": "bus", "idea": idea},
        )
    question = survey.questions.get(key="idea")
    private = Answer.objects.get(question=question, text__startswith="Call me")
    services.answer_moderate(answer=private, by=staff, hidden=True)
    greenery = services.theme_add(consultation=page, name="Greenery", by=staff)
    services.answer_moderate(
        answer=Answer.objects.get(question=question, text__startswith="Plant"),
        by=staff,
        themes=[greenery],
    )
    url = f"{page.url}surveys/{survey.pk}/answers/{question.pk}/"
    results = client.get(f"{page.url}surveys/{survey.pk}/results/").content.decode()
    assert url in results and "Read the written answers" in results
    html = client.get(url).content.decode()
    assert "Plant trees by the river" in html and "Trees on Main Street" in html
    assert "0470" not in html and "Hide" not in html and "New theme" not in html
    assert "Themes: Greenery" in html
    searched = client.get(url + "?q=main").content.decode()
    assert "Trees on Main Street" in searched and "Plant trees" not in searched
    by_theme = client.get(url + f"?theme={greenery.pk}").content.decode()
    assert "Plant trees" in by_theme and "Main Street" not in by_theme
    # Reading is public; tagging and hiding stay with the taskforce.
    assert client.post(url, {"action": "add_theme", "name": "Noise"}).status_code == 302
    assert client.post(url, {"answer": private.pk, "visibility": "show"}).status_code == 302
    resident = UserFactory()
    client.force_login(resident)
    assert client.post(url, {"answer": private.pk, "visibility": "show"}).status_code == 403
    private.refresh_from_db()
    assert private.hidden_at is not None and not Theme.objects.filter(name="Noise").exists()
    choice = survey.questions.get(key="nps")
    assert client.get(f"{page.url}surveys/{survey.pk}/answers/{choice.pk}/").status_code == 404
