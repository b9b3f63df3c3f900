"""Accounts for a team server: users, teams (workspaces), a role per map, and sign-in.

accounts = Accounts(settings.database)
accounts.add_user("ana", "a long password")
accounts.grant(journey.id, "editor", user="ana")
accounts.can("ana", journey.id, "edit")  # the one access check every front end calls
"""

from assistant.accounts.access import Action, Role, allows, parse_role
from assistant.accounts.store import AccountError, Accounts, User, check_user_name
from assistant.accounts.throttle import DatabaseThrottle, LoginThrottle

__all__ = [
    "AccountError",
    "Accounts",
    "Action",
    "DatabaseThrottle",
    "LoginThrottle",
    "Role",
    "User",
    "allows",
    "check_user_name",
    "parse_role",
]
