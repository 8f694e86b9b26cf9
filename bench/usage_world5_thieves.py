"""World 5's thieves: eight ways a stolen key is used, each at three sizes, from published
LLMjacking reports.

Stage: benchmark (usage watch, issue #20). Sources, for the facts only:
- Sysdig TRT, "LLMjacking" (May 2024) and its follow-ups (2024-2025): keys checked by scripts
  with minimal requests before use; access resold through reverse proxies that spread their
  users over pools of stolen keys; new models adopted by proxies within days.
- Permiso, "When AI Gets Hijacked: Exploiting Hosted Models for Dark Roleplaying" (Oct 2024):
  stolen keys powering a roleplay chat site, long conversations, users in many zones.
- Entro Labs (2025): leaked keys probed within 9-17 minutes, reconnaissance first, some
  attackers returning later by hand.
- Public incident write-ups of keys leaked in forked repositories and in IDE settings, and of
  stolen keys used for SEO spam and for bulk jobs on the Batch API.

Kinds (the hard ones on purpose): `checker_pool` (a key checker, then a share of a resale
proxy's pool), `forked_app` (a clone of the owner's own app, same prompts and models, its users
elsewhere), `cohabit_dev` (a developer's IDE agent living on the key for weeks), `nano_scrape`
(the cheapest model, small and steady), `trough_fill` (tops each hour up to the key's usual
peak and never above it), `weekend_raid` (only while a weekday owner is away), `batch_dump`
(Batch API jobs the provider runs whenever it likes), `spam_writer` (short prompts, long
articles, on a schedule).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.usage_world5_base import HOUR, HOURS, JUDGED, MODELS, START, local_hours, poisson
from bench.usage_world5_ledger import Ledger, Shape
from bench.usage_world5_owners import Owner

KINDS = (
    "checker_pool",
    "forked_app",
    "cohabit_dev",
    "nano_scrape",
    "trough_fill",
    "weekend_raid",
    "batch_dump",
    "spam_writer",
)
SIZES = ("small", "medium", "large")
# The clone's users by their local hour: a young consumer app, evenings first.
CLONE_USERS = (
    *(0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5),
    *(0.55, 0.55, 0.5, 0.55, 0.6, 0.75, 0.9, 1.0, 1.0, 0.9, 0.6, 0.35),
)
SCALE = {"small": 0, "medium": 1, "large": 2}
WEEKDAY_OWNERS = ("call_center", "pr_reviewer", "agent_saas", "devrel_demos", "incident_copilot")


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the thief's first request
    zone: str  # where the thief, or its users, live


@dataclass(slots=True)
class Job:
    """What a thief function needs: its theft, the owner's ledger (to copy or to top up), the
    provider, randomness, and the thief's own ledger to write."""

    theft: Theft
    owner: Owner
    owner_ledger: Ledger
    provider: str
    rng: random.Random
    ledger: Ledger

    @property
    def first(self) -> int:
        return (self.theft.onset - START) // HOUR

    def part(self, hour: int) -> float:
        """The share of `hour` after the onset: the thief starts mid-bucket."""
        if hour != self.first:
            return 1.0
        return 1 - (self.theft.onset - START - hour * HOUR) / HOUR

    def send(self, hour: int, mean: float, tier: str, shape: Shape) -> None:
        if self.first <= hour < HOURS:
            n = poisson(self.rng, mean * self.part(hour))
            if hour == self.first:
                n = max(n, 1)  # the onset is the first request, so that bucket has one
            self.ledger.add(self.rng, hour, MODELS[self.provider][tier], n, shape)


def _owner_main(owner: Owner) -> str:
    return max(owner.mix, key=lambda m: m[1])[0]


def checker_pool(job: Job) -> None:
    """A checker sends one-token requests to several models; an hour or five later the key joins
    a resale proxy's pool and serves roleplay, in the slots the proxy rotates it in."""
    size, rng = SCALE[job.theft.size], job.rng
    probe = Shape(14, 1, 0.0, 0.2)
    for tier in rng.sample(["nano", "small", "main", "next", "premium"], rng.randint(3, 5)):
        job.send(job.first, 1.5, tier, probe)
    users = local_hours(job.theft.zone)
    join = job.first + rng.randint(1, 5)
    per_slot = (35, 140, 550)[size]
    roleplay = Shape(14_000, 320, 0.5, 0.7)
    for h in range(join, HOURS):
        if rng.random() < 0.55:
            level = 0.35 + 0.65 * (users[h].hour >= 18 or users[h].hour < 2)
            job.send(h, per_slot * level, rng.choice(["main", "premium", "next"]), roleplay)


def forked_app(job: Job) -> None:
    """Someone forked the owner's repository with the key in it and runs the same app: the
    owner's own models and prompt sizes, an evening curve in the cloner's zone, a small start
    and the growth of a new app."""
    share = (0.06, 0.2, 0.6)[SCALE[job.theft.size]]
    mean = sum(job.owner_ledger.by_hour(JUDGED.start * 24)) / (JUDGED.start * 24)
    users = local_hours(job.theft.zone)
    for h in range(job.first, HOURS):
        grown = 1.12 ** ((h - job.first) / 24)
        for tier, part in job.owner.mix:
            level = CLONE_USERS[users[h].hour]
            job.send(h, 1.8 * share * mean * level * grown * part, tier, job.owner.shape)


def cohabit_dev(job: Job) -> None:
    """A developer's IDE agent on the key, weekdays in working hours, the owner's main model,
    long cached contexts; it stays for the rest of the world."""
    size, rng = SCALE[job.theft.size], job.rng
    local = local_hours(job.theft.zone)
    sessions, per_hour = (1, 2, 3)[size], (15, 30, 60)[size]
    agent = Shape(40_000, 500, 0.8, 0.6)
    tier = _owner_main(job.owner)
    for day in range(job.first // 24, HOURS // 24):
        work = [
            h for h in range(max(job.first, day * 24), day * 24 + 24) if 9 <= local[h].hour < 19
        ]
        if not work or local[work[0]].weekday >= 5:
            continue
        for _ in range(sessions):
            begin = rng.choice(work)
            for h in range(begin, begin + rng.randint(1, 3)):
                job.send(h, per_hour * rng.uniform(0.6, 1.3), tier, agent)
    job.send(job.first, per_hour, tier, agent)  # the session that began at the onset


def nano_scrape(job: Job) -> None:
    """A scraper classifying pages on the cheapest model, round the clock: a few hundred
    tokens a call, a constant rate."""
    rate = (20, 110, 500)[SCALE[job.theft.size]]
    tier = "nano" if job.rng.random() < 0.5 or "small" not in dict(job.owner.mix) else "small"
    for h in range(job.first, HOURS):
        job.send(h, rate * job.rng.uniform(0.85, 1.15), tier, Shape(320, 25, 0.0, 0.3))


def trough_fill(job: Job) -> None:
    """A careful thief that tops each hour up towards the key's usual busy-hour level, so no hour
    is higher than the owner's own busy hours: nights and weekends fill, peaks stay."""
    share = (0.3, 0.6, 0.95)[SCALE[job.theft.size]]
    own = job.owner_ledger.by_hour(HOURS)
    past = sorted(own[: JUDGED.start * 24])
    busy = past[int(0.9 * len(past))]
    tier = _owner_main(job.owner)
    for h in range(job.first, HOURS):
        job.send(h, share * max(0, busy - own[h]), tier, job.owner.shape)


def weekend_raid(job: Job) -> None:
    """From Saturday morning to Monday at dawn, while a weekday owner's office is empty, the key
    serves the thief's chat users on the owner's model or a dearer one."""
    factor = (0.5, 1.5, 4.0)[SCALE[job.theft.size]]
    local = local_hours(job.owner.zone)
    own = job.owner_ledger.by_hour(JUDGED.start * 24)
    weekday = [own[h] for h in range(JUDGED.start * 24) if local[h].weekday < 5]
    mean = max(5.0, sum(weekday) / max(1, len(weekday)))
    tier = job.rng.choice([_owner_main(job.owner), "premium"])
    users = local_hours(job.theft.zone)
    for h in range(job.first, HOURS):
        if local[h].weekday == 0 and local[h].hour >= 6:
            break
        level = 0.4 + 0.6 * (users[h].hour >= 10)
        job.send(h, factor * mean * level, tier, Shape(3_000, 500, 0.2))


def batch_dump(job: Job) -> None:
    """Batch API jobs of bulk summarisation: each day one job, which the provider runs over two
    to ten hours of its own choosing, input-heavy, half price."""
    tokens = (2e6, 1e7, 5e7)[SCALE[job.theft.size]]
    shape, rng = Shape(8_000, 300, 0.0, 0.4), job.rng
    tier = rng.choice(["main", "next"])
    submit = job.first
    while submit < HOURS:
        span = rng.randint(2, 10)
        for h in range(submit, submit + span):
            job.send(h, tokens / 8_300 / span, tier, shape)
        submit += 24 + rng.randint(-4, 4)


def spam_writer(job: Job) -> None:
    """SEO and phishing copy on a fifteen-minute schedule in the spammer's day: short prompts,
    long articles, on the owner's cheaper model."""
    rate = (8, 40, 200)[SCALE[job.theft.size]]
    local = local_hours(job.theft.zone)
    tier = "small" if "small" in dict(job.owner.mix) else _owner_main(job.owner)
    for h in range(job.first, HOURS):
        if 8 <= local[h].hour < 22:
            job.send(h, rate * job.rng.uniform(0.8, 1.2), tier, Shape(250, 1_800, 0.0, 0.3))


THIEVES: dict[str, Callable[[Job], None]] = {
    "checker_pool": checker_pool,
    "forked_app": forked_app,
    "cohabit_dev": cohabit_dev,
    "nano_scrape": nano_scrape,
    "trough_fill": trough_fill,
    "weekend_raid": weekend_raid,
    "batch_dump": batch_dump,
    "spam_writer": spam_writer,
}
THIEF_ZONES = (
    "America/New_York",
    "Europe/Moscow",
    "Asia/Shanghai",
    "Asia/Ho_Chi_Minh",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Europe/Berlin",
    "America/Los_Angeles",
)


def onset_for(kind: str, owner: Owner, zone: str, rng: random.Random) -> int:
    """Epoch second of the first stolen request: a minute in the judged weeks, at least half a
    day before the end, in the hours the thief works: a weekend raid on a Saturday morning in
    the owner's zone, a developer in a weekday's working hours, a spammer in its day."""
    own, theirs = local_hours(owner.zone), local_hours(zone)
    hours = list(range(JUDGED.start * 24, HOURS - 12))
    if kind == "weekend_raid":
        hours = [h for h in hours if own[h].weekday == 5 and 4 <= own[h].hour <= 10]
    elif kind == "cohabit_dev":
        hours = [h for h in hours if theirs[h].weekday < 5 and 9 <= theirs[h].hour < 18]
    elif kind == "spam_writer":
        hours = [h for h in hours if 8 <= theirs[h].hour < 22]
    return START + rng.choice(hours) * HOUR + rng.randint(0, 59) * 60


def theft_ledger(
    theft: Theft, owner: Owner, own: Ledger, provider: str, rng: random.Random
) -> Ledger:
    job = Job(theft, owner, own, provider, rng, Ledger())
    THIEVES[theft.kind](job)
    return job.ledger
