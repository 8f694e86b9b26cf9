"""An owner's honest episode that alerted once (a night on call, a busy afternoon) alerts no
more when it comes back in the same shape; one that goes further, or a thief on a key with no
such episode, still does (issue #20: false flags are honest surges that recur).

Found by worlds 4-8 (bench/usage_world4.py ... usage_world8.py): the same owner's incident
nights, evals and campaigns were flagged day after day, as the profile of ordinary days never
learns a habit that comes back every week or two. Histories from tests/usage/habits.py: three
weeks of history, the fourth judged.
"""

from __future__ import annotations

from leakward.usage.episodes import Episodes
from leakward.usage.model import detect
from leakward.usage.records import Alert
from leakward.usage.scoring import Evidence
from tests.usage.habits import DAY, HOUR, MONDAY, Extra, Habit, at, split, thief, usage

DAYS = range(28)
JUDGED_FROM = 21
OFFICE = Habit(key_id="key_TestOnCallNights1")
NIGHT_HOURS = range(2, 5)  # UTC, far from its office hours
NIGHT_REQUESTS = 60.0  # half an office hour's, as one engineer on call


def on_call(days: tuple[int, ...], also: Extra | None = None) -> Extra:
    """The owner's nights on call: NIGHT_HOURS on `days`, its own model and prompts."""

    def extra(start: int) -> tuple[str, float, float, float, float | None] | None:
        day, hour = (start - MONDAY) // DAY, (start - MONDAY) % DAY // HOUR
        if also is not None and (more := also(start)) is not None:
            return more
        if day in days and hour in NIGHT_HOURS:
            return (
                OFFICE.model,
                NIGHT_REQUESTS,
                OFFICE.prompt_per_request,
                OFFICE.output_ratio,
                None,
            )
        return None

    return extra


def judge(extra: Extra) -> list[Alert]:
    history, judged = split(usage(OFFICE, DAYS, seed=2, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_night_on_call_is_flagged_the_first_time() -> None:
    # The control: what forgives the second night below is the first one.
    alerts = judge(on_call((23,)))
    assert alerts
    assert alerts[0].start == at(23, NIGHT_HOURS[0])


def test_a_second_night_on_call_like_the_first_is_no_alert() -> None:
    assert judge(on_call((12, 23))) == []


def test_a_flood_on_a_night_after_a_night_on_call_is_still_flagged() -> None:
    onset = at(23, NIGHT_HOURS[0])
    flood = thief(onset, 3, model=OFFICE.model, requests=40 * NIGHT_REQUESTS)
    alerts = judge(on_call((12,), also=flood))
    assert alerts, "forty times the night's use, on the night after one on call"
    assert onset <= alerts[0].start < onset + 3 * HOUR
    # The hour is forgiven as the night on call's; the volume is not.
    assert "its usual cost" in alerts[0].reason
    assert "use at" not in alerts[0].reason


def test_an_episode_counts_from_the_day_after_its_alert() -> None:
    episodes = Episodes()
    hours = Evidence("hours", 3.0, "use at 03:00 UTC")
    episodes.remember(10, [hours])
    assert episodes.allow([hours], 10) == [hours]
    assert [e.points for e in episodes.allow([hours], 11)] == [0.0]


def test_a_model_new_to_the_key_is_news_again_only_on_other_models() -> None:
    # Found by the eleventh usage world: an owner's move to a new model alerted on its first
    # day, and again the next days while the model was still new to the key (its first hours
    # learned late, as any alert's). The same models again are the move; others are news.
    episodes = Episodes()
    models = Evidence("models", 2.0, "100% of the cost on models new to it", "claude-opus-4-1")
    other = Evidence("models", 2.0, "100% of the cost on models new to it", "claude-3-haiku")
    episodes.remember(10, [models])
    assert [e.points for e in episodes.allow([models], 11)] == [0.0]
    assert episodes.allow([other], 11) == [other]


def test_a_shape_episode_is_forgiven_only_on_its_own_model_and_hour() -> None:
    # An owner's monthly report asked for long answers from gpt-4o at 09:00 and alerted once:
    # the same again on another day is its habit; on another model or at another hour it is not.
    episodes = Episodes()
    long = Evidence("output_ratio", 1.5, "ratio 3.10 on gpt-4o", "gpt-4o ratio above")
    elsewhere = Evidence("output_ratio", 1.5, "ratio 3.10 on o3", "o3 ratio above")
    short = Evidence("output_ratio", 1.5, "ratio 0.05 on gpt-4o", "gpt-4o ratio below")
    episodes.remember(10, [long], hour=9)
    assert [e.points for e in episodes.allow([long], 12, hour=9)] == [0.0]
    assert episodes.allow([long], 12, hour=3) == [long]
    assert episodes.allow([elsewhere], 12, hour=9) == [elsewhere]
    assert episodes.allow([short], 12, hour=9) == [short]
