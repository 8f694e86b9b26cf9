"""GitHub's resource bodies as the REST API returns them: users, repositories, issues, runs.

Stage: tests (fakes). GitHub answers `GET /user`, `GET /repos/{owner}/{repo}` and every list of
repositories with the full documented object (docs.github.com/rest/users/users,
…/rest/repos/repos), not the two fields a client happens to read; a fake that answers less lets
a client depend on fields GitHub never sends, or trip over ones it always does. The shapes are
GitHub's `public-user`, `minimal-repository`, `full-repository`, `issue` and `workflow-run`
schemas (tests/contracts/specs/github.yaml); the contract tests check the fakes against them.
"""

from __future__ import annotations

import base64

CREATED = "2026-01-15T09:30:00Z"
UPDATED = "2026-11-20T16:45:00Z"
# Link-relation URL templates GitHub puts in a repository, by field: the suffix after the
# repository's API URL ("{/sha}" and the like are RFC 6570 templates, as GitHub sends them).
_REPOSITORY_TEMPLATES = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def _node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"{kind}{number}".encode()).decode().rstrip("=")


def simple_user(api: str, login: str, number: int, kind: str = "User") -> dict[str, object]:
    """GitHub's `simple-user`: an account as it appears inside other objects."""
    url = f"{api}/users/{login}"
    return {
        "login": login,
        "id": number,
        "node_id": _node_id("U_", number),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": kind,
        "site_admin": False,
        "user_view_type": "public",
    }


def public_user(api: str, login: str, number: int) -> dict[str, object]:
    """`GET /user` for a token without the `user` scope: the public profile."""
    return {
        **simple_user(api, login, number),
        "name": None,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "public_repos": 2,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def minimal_repository(api: str, full_name: str, number: int) -> dict[str, object]:
    """GitHub's `minimal-repository`, as lists of repositories carry each one."""
    owner, name = full_name.split("/", 1)
    url = f"{api}/repos/{full_name}"
    return {
        "id": number,
        "node_id": _node_id("R_", number),
        "name": name,
        "full_name": full_name,
        "owner": simple_user(api, owner, 9000 + len(owner), kind="Organization"),
        "private": True,
        "html_url": f"https://github.com/{full_name}",
        "description": None,
        "fork": False,
        "url": url,
        **{field: url + suffix for field, suffix in _REPOSITORY_TEMPLATES.items()},
    }


def full_repository(api: str, full_name: str, number: int) -> dict[str, object]:
    """`GET /repos/{owner}/{repo}`: the repository with its settings and counters."""
    html = f"https://github.com/{full_name}"
    return {
        **minimal_repository(api, full_name, number),
        "clone_url": f"{html}.git",
        "git_url": f"git://github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "default_branch": "main",
        "visibility": "private",
        "size": 1024,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "open_issues": 0,
        "open_issues_count": 0,
        "network_count": 0,
        "subscribers_count": 1,
        "has_issues": True,
        "has_projects": True,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "license": None,
        "pushed_at": UPDATED,
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def label(api: str, repository: str, name: str) -> dict[str, object]:
    """A label as an issue carries it."""
    number = sum(name.encode()) + 7000
    return {
        "id": number,
        "node_id": _node_id("LA_", number),
        "url": f"{api}/repos/{repository}/labels/{name}",
        "name": name,
        "description": None,
        "color": "d73a4a",
        "default": False,
    }


def issue(api: str, repository: str, stored: dict[str, object]) -> dict[str, object]:
    """`POST /repos/{owner}/{repo}/issues` and its listing: a stored issue (`number`, `title`,
    `body`, `labels` by name, `state`) as GitHub's `issue`."""
    number = int(str(stored["number"]))
    url = f"{api}/repos/{repository}/issues/{number}"
    names = stored.get("labels")
    return {
        "id": 800_000 + number,
        "node_id": _node_id("I_", number),
        "url": url,
        "repository_url": f"{api}/repos/{repository}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"https://github.com/{repository}/issues/{number}",
        "number": number,
        "state": stored.get("state", "open"),
        "title": stored.get("title"),
        "body": stored.get("body"),
        "user": simple_user(api, "leakward-bot", 4242, kind="Bot"),
        "labels": [label(api, repository, str(n)) for n in names or []],
        "assignee": None,
        "milestone": None,
        "locked": False,
        "comments": 0,
        "closed_at": None,
        "created_at": UPDATED,
        "updated_at": UPDATED,
    }


def workflow_run(api: str, full_name: str, run_id: int, repository_id: int) -> dict[str, object]:
    """GitHub's `workflow-run` (docs.github.com/rest/actions/workflow-runs): a finished push run
    of `.github/workflows/ci.yml` in `full_name`, whose id is `repository_id`."""
    url = f"{api}/repos/{full_name}/actions/runs/{run_id}"
    repository = minimal_repository(api, full_name, repository_id)
    sha = f"{run_id:040x}"
    return {
        "id": run_id,
        "name": "CI",
        "node_id": _node_id("WFR_", run_id),
        "head_branch": "main",
        "head_sha": sha,
        "path": ".github/workflows/ci.yml",
        "display_title": f"Build {run_id}",
        "run_number": run_id % 1000,
        "run_attempt": 1,
        "event": "push",
        "status": "completed",
        "conclusion": "success",
        "workflow_id": 161335,
        "url": url,
        "html_url": f"https://github.com/{full_name}/actions/runs/{run_id}",
        "pull_requests": [],
        "created_at": UPDATED,
        "updated_at": UPDATED,
        "run_started_at": UPDATED,
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{api}/repos/{full_name}/check-suites/{run_id + 1}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "workflow_url": f"{api}/repos/{full_name}/actions/workflows/161335",
        "head_commit": {
            "id": sha,
            "tree_id": f"{run_id + 1:040x}",
            "message": "Deploy",
            "timestamp": UPDATED,
            "author": {"name": "Octo Cat", "email": "octocat@example.com"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
        "repository": repository,
        "head_repository": repository,
    }
