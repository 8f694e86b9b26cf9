"""Usage watch: catch a stolen key from how it is used (issue #20).

Stage: application. Providers' usage pages (OpenAI's and Anthropic's Admin APIs) become
`UsageRecord`s; a per-key model learned from each key's own history turns them into `Alert`s;
`leakward watch` polls, keeps history in the registry and hands confident alerts to rotation.
"""
