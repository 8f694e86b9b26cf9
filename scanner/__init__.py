"""Finding secrets: sources cut input into chunks, engines and the matcher find secrets in them.

Knows `rules/`; never imports the registry or the rotators, so a plain scan needs no database.
"""
