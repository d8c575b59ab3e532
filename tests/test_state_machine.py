"""A Hypothesis state machine over people, groups, memberships, posts, polls and moderation.

Every step is a real HTTP call to ``/api/v1`` (the Flask test client, one bearer token per
person). Next to it, :class:`Model` keeps the little the spec says (README,
docs/architecture.md "Groups" and "Moderation"), written here independently of the code:

* a **public** group is read by everyone; a **private** or **secret** group by its members
  only. Anyone joins a public group; joining a private one is a request a group admin
  approves; a secret group is invitation-only (group admins add people) and unknown (404)
  to outsiders. A group is managed by its admins and by company admins who may see it; the
  last admin cannot leave.
* a **company post** is read by every active person; a **group post** by the group's readers.
  The home feed holds company posts and posts of one's own groups.
* moderation (a report opens a case; the community manager acts on it): **hidden** content is
  seen by its author only, **removed** content by nobody, **restored** content by its readers
  again. A **deleted** post (by its author or a moderator) is seen by nobody.
* a **suspended** person reads nothing (their tokens stop working: 401/403) until a moderator
  lifts the suspension; their content stays readable.
* a poll holds at most **one ballot per person**: re-voting replaces it, retracting removes it.

Invariants, for every person of the example:

1. the run's posts they get from the home feed (all pages), from each group's feed, and from
   each permalink ``GET /posts/<id>`` (200 vs 404) are exactly the ones the model allows;
   an unreadable group's feed is refused (404 for a secret one); a suspended person is
   refused everywhere;
2. the ``ballots`` table holds one row per (poll, voter) the model knows of, each with
   exactly the chosen option, and the poll's counts (``GET /polls/<id>``) equal the model's.

(2) is checked in full after every step. (1) is a table of expectations (person × read path);
after every step each expectation the step changed is verified through the API, and at the
end of the example all of them are, once more (a request costs 5-10 ms; this keeps the test
near 30 s on SQLite and 60 s on PostgreSQL on a 2-core machine).

Each example starts from empty tables (the suite's own wipe: every test starts empty and
this one owns the database while it runs), so ids and outcomes repeat from run to run.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from socialnet.extensions import db
from socialnet.models import Ballot, BallotChoice, User
from socialnet.services import accounts
from tests.conftest import _PASSWORD_HASH, PASSWORD, _wipe

API = "/api/v1"
MAX_PEOPLE, MAX_GROUPS, MAX_POSTS, MAX_LIVE_POSTS = 6, 3, 12, 7
#: Picks one of a list, modulo its length (shrinks towards the first).
ANY = st.integers(min_value=0, max_value=11)
TYPES = st.sampled_from(["public", "private", "secret"])
MODERATION = {"hide": "hidden", "restore": "published", "delete": "removed"}
LOCKED, UNSET = "locked out", object()
SANCTIONABLE = ("employee", "manager")  # a community manager cannot sanction moderators


# --- the model ---------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    name: str
    role: str
    client: object
    suspended: bool = False
    reported_by: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        return f"{self.name}#{self.id}"


@dataclass
class Group:
    id: int
    type: str
    members: dict[int, str]  # person id → "admin" | "member"
    requests: set[int] = field(default_factory=set)

    def admins(self) -> list[int]:
        return [pid for pid, role in self.members.items() if role == "admin"]

    def is_last_admin(self, person_id: int) -> bool:
        return self.admins() == [person_id]


@dataclass
class Poll:
    id: int
    options: list[int]
    ballots: dict[int, int] = field(default_factory=dict)  # voter id → option id


@dataclass
class Post:
    id: int
    author: int
    group: int | None
    state: str = "published"  # | "hidden" | "removed"
    deleted: bool = False
    case: int | None = None  # the open moderation case about it
    reported_by: set[int] = field(default_factory=set)
    poll: Poll | None = None


@dataclass
class Model:
    people: dict[int, Person] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    posts: dict[int, Post] = field(default_factory=dict)

    def reads_group(self, person: Person, group: Group) -> bool:
        return group.type == "public" or person.id in group.members

    def sees(self, person: Person, post: Post) -> bool:
        if person.suspended or post.deleted:
            return False
        if post.state != "published" and not (post.state == "hidden" and post.author == person.id):
            return False
        return post.group is None or self.reads_group(person, self.groups[post.group])

    def in_home_feed(self, person: Person, post: Post) -> bool:
        own_space = post.group is None or person.id in self.groups[post.group].members
        return own_space and self.sees(person, post)

    def manages(self, person: Person, group: Group) -> bool:
        if person.suspended:
            return False
        knows = group.type != "secret" or person.id in group.members
        return group.members.get(person.id) == "admin" or (person.role == "admin" and knows)

    def expectations(self) -> dict[tuple, object]:
        """What each read should answer now: ``("feed", person)`` → post ids;
        ``("group", person, group)`` → post ids, or the group's type when they may not read
        it; ``("post", person, post)`` → visible or not; LOCKED for a suspended person;
        ``("poll", post)`` → (a reader, counts per option, voters), None if unreadable."""
        out: dict[tuple, object] = {}
        for person in self.people.values():
            out.update(self._reads_of(person))
        for post in self.posts.values():
            if post.poll:
                out[("poll", post.id)] = self._poll_results(post)
        return out

    def _reads_of(self, person: Person) -> dict[tuple, object]:
        posts = self.posts.values()
        lock = LOCKED if person.suspended else None
        out: dict[tuple, object] = {
            ("feed", person.id): lock
            or frozenset(p.id for p in posts if self.in_home_feed(person, p))
        }
        for g in self.groups.values():
            readable = frozenset(p.id for p in posts if p.group == g.id and self.sees(person, p))
            out[("group", person.id, g.id)] = lock or (
                readable if self.reads_group(person, g) else g.type
            )
        for p in posts:
            out[("post", person.id, p.id)] = lock or self.sees(person, p)
        return out

    def _poll_results(self, post: Post):
        readers = [p.id for p in self.people.values() if self.sees(p, post)]
        if not readers:
            return None
        counts = Counter(post.poll.ballots.values())
        return readers[0], tuple(counts[o] for o in post.poll.options), len(post.poll.ballots)

    def describe(self) -> str:
        lines = [f"  {p} role={p.role} suspended={p.suspended}" for p in self.people.values()]
        lines += [f"  group#{g.id} {g.type} members={g.members}" for g in self.groups.values()]
        lines += [
            f"  post#{p.id} by #{p.author} in {p.group and f'group#{p.group}' or 'company'}"
            f" state={p.state} deleted={p.deleted}" + (f" poll={p.poll.ballots}" if p.poll else "")
            for p in self.posts.values()
        ]
        return "model:\n" + "\n".join(lines)


def pick(items, index: int):
    items = list(items)
    return items[index % len(items)]


# --- the machine -------------------------------------------------------------------------


class SocialNetwork(RuleBasedStateMachine):
    def __init__(self, api, make_user):
        super().__init__()
        _wipe()
        self.api = api
        self.m = Model()
        self.serial = itertools.count(1)
        self.verified: dict[tuple, object] = {}  # expectation → what was last verified
        self.admin = self._person(make_user("Ada Admin", role="admin"))
        self.cm = self._person(make_user("Camille Moderator", role="community_manager"))
        for name in ("Emma Employee", "Eli Employee"):
            self._person(make_user(name))

    def choose(self, index: int, likely: Callable[[Person], bool]) -> Person:
        """Someone, those for whom ``likely`` holds first (so that small indexes, which
        Hypothesis favours, mostly pick people the step will succeed for)."""
        return pick(sorted(self.m.people.values(), key=lambda p: not likely(p)), index)

    def _person(self, user: User) -> Person:
        person = Person(user.id, user.display_name.split()[0], user.role, self.api(user))
        self.m.people[person.id] = person
        return person

    def expect(self, response, ok: bool, status: int, what: str):
        """``response`` is ``status`` when the model says ``ok``, else a refusal (4xx).

        :return: the JSON body (``{"status": …}`` for an empty one) when ``ok``, else None."""
        got = response.status_code
        assert got < 500, f"{what}: {got} {response.get_data(as_text=True)}"
        assert got == status if ok else 400 <= got < 500, (
            f"{what}: expected {status if ok else 'a refusal'}, got {got} "
            f"{response.get_data(as_text=True)[:300]}\n{self.m.describe()}"
        )
        return (response.get_json(silent=True) or {"status": got}) if ok else None

    @initialize(types=st.lists(TYPES, min_size=1, max_size=MAX_GROUPS), members=st.lists(ANY))
    def start_with_groups_and_posts(self, types, members):
        """Groups made by the employees, with members, a post in each, and a company post:
        whatever the steps, they have something to read, join, leave and moderate."""
        people = list(self.m.people.values())
        employees = [p for p in people if p.role == "employee"]
        for i, type in enumerate(types):
            owner = employees[i % len(employees)]
            g = self._create_group(owner, type)
            for member in members[i :: len(types)]:
                if (invited := pick(people, member)).id not in g.members:
                    self._add_by(owner, g, invited, "member")
            self._create_post(owner, g)
        self._create_post(self.cm, None)

    # --- people ----------------------------------------------------------------------

    @precondition(lambda self: len(self.m.people) < MAX_PEOPLE)
    @rule(role=st.sampled_from(["employee", "manager"]))
    def admin_creates_person(self, role):
        n = next(self.serial)
        body = {"email": f"person{n}@lumen.example", "display_name": f"Person{n}"}
        response = self.admin.client.post(
            f"{API}/users", {**body, "password": PASSWORD, "role": role}
        )
        created = self.expect(response, True, 201, "admin creates a person")
        self._person(db.session.get(User, created["id"]))

    def _report_person(self, target: Person, reporter_index: int) -> int | None:
        """A report about ``target`` by someone who has not reported them yet: its case."""
        reporters = [
            p
            for p in self.m.people.values()
            if p is not target and not p.suspended and p.id not in target.reported_by
        ]
        if not reporters:
            return None
        reporter = pick(reporters, reporter_index)
        body = {"target_type": "user", "target_id": target.id, "reason": "harassment"}
        response = reporter.client.post(f"{API}/reports", body)
        target.reported_by.add(reporter.id)
        return self.expect(response, True, 201, f"{reporter} reports {target}")["case_id"]

    @precondition(lambda self: not any(p.suspended for p in self.m.people.values()))
    @rule(person=ANY, reporter=ANY)
    def moderator_suspends_person(self, person, reporter):
        """Someone reports a person; the community manager suspends them (until lifted)."""
        person = pick((p for p in self.m.people.values() if p.role in SANCTIONABLE), person)
        case_id = self._report_person(person, reporter)
        if case_id is None:
            return
        response = self.cm.client.post(
            f"{API}/moderation/cases/{case_id}/actions", {"action": "suspend"}
        )
        self.expect(response, True, 200, f"moderator suspends {person}")
        person.suspended = True

    @precondition(lambda self: any(p.suspended for p in self.m.people.values()))
    @rule(person=ANY, reporter=ANY)
    def moderator_lifts_suspension(self, person, reporter):
        """Someone reports a suspended person; the moderator restores them (lifts it)."""
        person = pick((p for p in self.m.people.values() if p.suspended), person)
        case_id = self._report_person(person, reporter)
        if case_id is None:
            return
        response = self.cm.client.post(
            f"{API}/moderation/cases/{case_id}/actions", {"action": "restore"}
        )
        self.expect(response, True, 200, f"moderator lifts {person}'s suspension")
        person.suspended = False
        person.client = self.api(db.session.get(User, person.id))  # their old tokens died

    # --- groups ----------------------------------------------------------------------

    @precondition(lambda self: len(self.m.groups) < MAX_GROUPS)
    @rule(owner=ANY, type=TYPES)
    def create_group(self, owner, type):
        self._create_group(pick(self.m.people.values(), owner), type)

    def _create_group(self, person: Person, type: str) -> Group | None:
        body = {"name": f"Group {next(self.serial)}", "type": type}
        response = person.client.post(f"{API}/groups", body)
        created = self.expect(
            response, not person.suspended, 201, f"{person} creates a {type} group"
        )
        if not created:
            return None
        g = self.m.groups[created["id"]] = Group(created["id"], type, {person.id: "admin"})
        return g

    @precondition(lambda self: self.m.groups)
    @rule(who=ANY, group=ANY)
    def join_group(self, who, group):
        g = pick(self.m.groups.values(), group)
        person = self.choose(who, lambda p: p.id not in g.members)
        ok = not person.suspended and person.id not in g.members and g.type != "secret"
        response = person.client.post(f"{API}/groups/{g.id}/join")
        body = self.expect(response, ok, 200, f"{person} joins {g.type} group#{g.id}")
        if body is None:
            return
        if g.type == "public":
            assert body["status"] == "joined", body
            self._add_member(g, person.id, "member")
        else:
            assert body["status"] == "requested", body
            g.requests.add(person.id)

    def _add_member(self, g: Group, person_id: int, role: str) -> None:
        g.members[person_id] = role
        g.requests.discard(person_id)

    @precondition(lambda self: any(g.requests for g in self.m.groups.values()))
    @rule(actor=ANY, group=ANY, requester=ANY)
    def approve_join_request(self, actor, group, requester):
        g = pick((g for g in self.m.groups.values() if g.requests), group)
        person = self.choose(actor, lambda p: self.m.manages(p, g))
        asker = pick(sorted(g.requests), requester)
        ok = self.m.manages(person, g) and person.id != asker
        response = person.client.post(f"{API}/groups/{g.id}/requests/{asker}/approve")
        if self.expect(response, ok, 200, f"{person} approves #{asker} into group#{g.id}"):
            self._add_member(g, asker, "member")

    @precondition(lambda self: self.m.groups)
    @rule(actor=ANY, group=ANY, invitee=ANY, role=st.sampled_from(["member", "admin"]))
    def group_admin_adds_member(self, actor, group, invitee, role):
        g = pick(self.m.groups.values(), group)
        person = self.choose(actor, lambda p: self.m.manages(p, g))
        self._add_by(person, g, self.choose(invitee, lambda p: p.id not in g.members), role)

    def _add_by(self, person: Person, g: Group, invited: Person, role: str) -> None:
        ok = self.m.manages(person, g) and invited.id not in g.members
        body = {"user_id": invited.id, "role": role}
        response = person.client.post(f"{API}/groups/{g.id}/members", body)
        if self.expect(response, ok, 201, f"{person} adds {invited} to group#{g.id} as {role}"):
            self._add_member(g, invited.id, role)

    @precondition(lambda self: self.m.groups)
    @rule(actor=ANY, group=ANY, member=ANY)
    def group_admin_removes_member(self, actor, group, member):
        g = pick(self.m.groups.values(), group)
        person = self.choose(actor, lambda p: self.m.manages(p, g))
        self._remove(person, g, self.choose(member, lambda p: p.id in g.members))

    @precondition(lambda self: self.m.groups)
    @rule(who=ANY, group=ANY)
    def leave_group(self, who, group):
        g = pick(self.m.groups.values(), group)
        person = self.choose(who, lambda p: p.id in g.members)
        self._remove(person, g, person)

    def _remove(self, person: Person, g: Group, gone: Person) -> None:
        """Leave (``gone is person``: any member) or remove someone (group admins); never
        the last admin."""
        allowed = self.m.manages(person, g) or (gone is person and not person.suspended)
        ok = allowed and gone.id in g.members and not g.is_last_admin(gone.id)
        response = person.client.delete(f"{API}/groups/{g.id}/members/{gone.id}")
        if self.expect(response, ok, 204, f"{person} removes {gone} from group#{g.id}"):
            del g.members[gone.id]

    @precondition(lambda self: self.m.groups)
    @rule(actor=ANY, group=ANY, type=TYPES)
    def change_group_type(self, actor, group, type):
        g = pick(self.m.groups.values(), group)
        person = self.choose(actor, lambda p: self.m.manages(p, g))
        response = person.client.patch(f"{API}/groups/{g.id}", {"type": type})
        ok = self.m.manages(person, g)
        if self.expect(response, ok, 200, f"{person} turns {g.type} group#{g.id} {type}"):
            g.type = type

    # --- posts and polls -------------------------------------------------------------

    def _may_add_post(self) -> bool:
        live = [p for p in self.m.posts.values() if not p.deleted]
        return len(self.m.posts) < MAX_POSTS and len(live) < MAX_LIVE_POSTS

    def _may_post(self, person: Person, g: Group | None) -> bool:
        return not person.suspended and (g is None or person.id in g.members)

    @precondition(lambda self: self._may_add_post())
    @rule(author=ANY)
    def create_company_post(self, author):
        self._create_post(pick(self.m.people.values(), author), None)

    @precondition(lambda self: self._may_add_post() and self.m.groups)
    @rule(author=ANY, group=ANY)
    def create_group_post(self, author, group):
        self._create_post(pick(self.m.people.values(), author), pick(self.m.groups.values(), group))

    def _create_post(self, person: Person, g: Group | None) -> None:
        body = {"body": f"Post {next(self.serial)} by {person.name}", "group_id": g and g.id}
        response = person.client.post(f"{API}/posts", body)
        where = f"group#{g.id}" if g else "the company"
        created = self.expect(
            response, self._may_post(person, g), 201, f"{person} posts in {where}"
        )
        if created:
            self.m.posts[created["id"]] = Post(created["id"], person.id, g and g.id)

    @precondition(lambda self: self._may_add_post())
    @rule(author=ANY, group=st.integers(min_value=-1, max_value=11))
    def create_poll(self, author, group):
        """``group`` -1: a company poll."""
        person = pick(self.m.people.values(), author)
        g = pick(self.m.groups.values(), group) if group >= 0 and self.m.groups else None
        body = {"question": f"Lunch {next(self.serial)}?", "options": ["Pizza", "Sushi", "Salad"]}
        body |= {"results": "always", "group_id": g and g.id}
        response = person.client.post(f"{API}/polls", body)
        where = f"group#{g.id}" if g else "the company"
        created = self.expect(response, self._may_post(person, g), 201, f"{person} polls {where}")
        if created:
            poll = created["poll"]
            options = [o["id"] for o in poll["options"]]
            post = Post(created["id"], person.id, g and g.id, poll=Poll(poll["id"], options))
            self.m.posts[post.id] = post

    def _polls(self) -> list[Post]:
        return [p for p in self.m.posts.values() if p.poll]

    @precondition(lambda self: self._polls())
    @rule(voter=ANY, poll=ANY, choices=st.lists(st.integers(0, 2), min_size=1, max_size=3))
    def vote(self, voter, poll, choices):
        """One vote, or several in a row (re-voting): the last one counts, once."""
        post = pick(self._polls(), poll)
        person = self.choose(voter, lambda p: self.m.sees(p, post))
        for choice in choices:
            option = post.poll.options[choice]
            response = person.client.put(
                f"{API}/polls/{post.poll.id}/vote", {"option_ids": [option]}
            )
            ok = self.m.sees(person, post)
            body = self.expect(response, ok, 200, f"{person} votes {choice} on poll#{post.poll.id}")
            if body:
                assert body["my_choices"] == [option], body
                post.poll.ballots[person.id] = option

    @precondition(lambda self: self._polls())
    @rule(voter=ANY, poll=ANY)
    def retract_vote(self, voter, poll):
        post = pick(self._polls(), poll)
        person = self.choose(voter, lambda p: p.id in post.poll.ballots)
        response = person.client.delete(f"{API}/polls/{post.poll.id}/vote")
        ok = self.m.sees(person, post)
        if self.expect(response, ok, 200, f"{person} retracts on poll#{post.poll.id}"):
            post.poll.ballots.pop(person.id, None)

    @precondition(lambda self: any(not p.deleted for p in self.m.posts.values()))
    @rule(actor=ANY, post=ANY)
    def delete_post(self, actor, post):
        """Authors delete their posts; moderators (and admins) any post they can see."""
        p = pick((p for p in self.m.posts.values() if not p.deleted), post)
        person = self.choose(actor, lambda person: person.id == p.author)
        may = p.author == person.id or person.role in ("community_manager", "admin")
        ok = self.m.sees(person, p) and may
        response = person.client.delete(f"{API}/posts/{p.id}")
        if self.expect(response, ok, 204, f"{person} deletes post#{p.id}"):
            p.deleted = True
            if p.author == person.id:
                p.case = None  # the author's deletion closes the cases about it

    # --- moderation ------------------------------------------------------------------

    @precondition(lambda self: self.m.posts)
    @rule(reporter=ANY, post=ANY)
    def report_post(self, reporter, post):
        """Anyone who sees a post reports it, once; one case stays open per post."""
        self._report(pick(self.m.people.values(), reporter), pick(self.m.posts.values(), post))

    def _report(self, person: Person, p: Post) -> None:
        ok = self.m.sees(person, p) and person.id not in p.reported_by
        body = {"target_type": "post", "target_id": p.id, "reason": "spam"}
        response = person.client.post(f"{API}/reports", body)
        report = self.expect(response, ok, 201, f"{person} reports post#{p.id}")
        if report:
            assert p.case in (None, report["case_id"]), f"a second open case: {report}"
            p.case = report["case_id"]
            p.reported_by.add(person.id)

    def _cases(self) -> list[Post]:
        return [p for p in self.m.posts.values() if p.case is not None]

    @precondition(lambda self: self.m.posts)
    @rule(post=ANY, action=st.sampled_from(sorted(MODERATION)), reporter=ANY)
    def moderator_acts_on_post(self, post, action, reporter):
        """Hide, restore or remove a post, keeping its case open for a later decision
        (when no case is open, ``reporter`` reports the post first)."""
        p = pick(self.m.posts.values(), post)
        if p.case is None:
            self._report(pick(self.m.people.values(), reporter), p)
        if p.case is None:
            return
        response = self.cm.client.post(
            f"{API}/moderation/cases/{p.case}/actions", {"action": action, "close": False}
        )
        if self.expect(response, not p.deleted, 200, f"moderator: {action} post#{p.id}"):
            p.state = MODERATION[action]

    @precondition(lambda self: self._cases())
    @rule(post=ANY)
    def moderator_dismisses_case(self, post):
        p = pick(self._cases(), post)
        response = self.cm.client.post(
            f"{API}/moderation/cases/{p.case}/actions", {"action": "dismiss"}
        )
        self.expect(response, True, 200, f"moderator dismisses the case of post#{p.id}")
        p.case = None

    # --- invariants ------------------------------------------------------------------

    @invariant()
    def everyone_reads_exactly_what_the_model_allows(self):
        """Verify through the API every expectation that differs from the last one verified
        (re-reading what no step should have changed is left to :meth:`teardown`'s sweep)."""
        for key, want in self.m.expectations().items():
            if self.verified.get(key, UNSET) != want:
                self.verify(key, want)
                self.verified[key] = want

    @invariant()
    def one_ballot_per_person_with_the_chosen_option(self):
        db.session.rollback()  # read what the requests committed
        rows = db.session.execute(
            select(Ballot.poll_id, Ballot.user_id, BallotChoice.option_id).join(
                BallotChoice, BallotChoice.ballot_id == Ballot.id, isouter=True
            )
        ).all()
        per_voter = Counter((poll_id, user_id) for poll_id, user_id, _ in rows)
        assert all(n == 1 for n in per_voter.values()), f"two ballots or choices: {rows}"
        want = {(p.poll.id, v, o) for p in self._polls() for v, o in p.poll.ballots.items()}
        assert set(rows) == want, f"ballots {sorted(rows)}, model says {sorted(want)}"

    def teardown(self):
        """The full sweep: every expectation once more, unless a step already failed
        (``sys.exc_info()`` is that failure while Hypothesis's ``finally`` calls us)."""
        if sys.exc_info()[1] is None:
            for key, want in self.m.expectations().items():
                self.verify(key, want)

    def verify(self, key: tuple, want) -> None:
        kind, *ids = key
        verifiers = {
            "feed": self._verify_feed,
            "group": self._verify_group,
            "post": self._verify_post,
            "poll": self._verify_poll,
        }
        verifiers[kind](*ids, want=want)

    def _fail(self, what: str, got, want) -> str:
        return f"{what}: got {got}, the model says {want}\n{self.m.describe()}"

    def _get(self, person_id: int, path: str, want):
        """GET ``path`` as the person; None when ``want`` is LOCKED (and so was the answer)."""
        person = self.m.people[person_id]
        response = person.client.get(API + path)
        if want is LOCKED:
            got = response.status_code
            assert got in (401, 403), self._fail(f"suspended {person} GET {path}", got, "401/403")
            return None
        return response

    def _walk(self, person_id: int, path: str, response) -> frozenset[int]:
        """The run's post ids on every page of a feed, from its first page ``response``."""
        seen: set[int] = set()
        while True:
            assert response.status_code == 200, (path, response.get_data(as_text=True))
            page = response.get_json()
            seen |= {item["id"] for item in page["items"]}
            if not page["next_cursor"]:
                return frozenset(seen & set(self.m.posts))
            response = self._get(person_id, f"{path}&cursor={page['next_cursor']}", want=None)

    def _verify_feed(self, person_id: int, want) -> None:
        path = "/feed?limit=100"
        response = self._get(person_id, path, want)
        if response is not None:
            got = self._walk(person_id, path, response)
            assert got == want, self._fail(f"#{person_id}'s home feed", sorted(got), sorted(want))

    def _verify_group(self, person_id: int, group_id: int, want) -> None:
        path = f"/groups/{group_id}/feed?limit=100"
        response = self._get(person_id, path, want)
        if response is None:
            return
        what = f"#{person_id} reads group#{group_id}'s feed"
        if isinstance(want, str):  # an outsider: a private group is closed, a secret one unknown
            refusals = (404,) if want == "secret" else (403, 404)
            assert response.status_code in refusals, self._fail(what, response.status_code, want)
            return
        got = self._walk(person_id, path, response)
        assert got == want, self._fail(what, sorted(got), sorted(want))

    def _verify_post(self, person_id: int, post_id: int, want) -> None:
        response = self._get(person_id, f"/posts/{post_id}", want)
        if response is not None:
            status = 200 if want else 404
            got = response.status_code
            assert got == status, self._fail(f"#{person_id} GET /posts/{post_id}", got, status)

    def _verify_poll(self, post_id: int, want) -> None:
        """The counts as a reader of the poll sees them (results "always")."""
        if want is None:  # nobody may read it any more
            return
        reader, counts, voters = want
        poll = self.m.posts[post_id].poll
        response = self._get(reader, f"/polls/{poll.id}", want=None)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        got = (tuple(o["votes"] for o in body["options"]), body["voters"])
        assert got == (counts, voters), self._fail(f"poll#{poll.id} counts", got, (counts, voters))


def test_people_groups_posts_polls_and_moderation_agree_with_the_model(
    app, api, make_user, monkeypatch
):
    # Argon2 is slow on purpose (0.1 s a person); the password is not what is tested here.
    monkeypatch.setattr(accounts, "hash_password", lambda password: _PASSWORD_HASH)
    run_state_machine_as_test(
        lambda: SocialNetwork(api, make_user),
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            # No "explain" phase: it traces every line of every shrinking run (5× slower).
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
