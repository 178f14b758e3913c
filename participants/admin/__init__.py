"""The organisers' desk for participants: registration settings, registrations and attendance
(`registrations`), certificate templates, certificates and their mailings (`certificates`).
Importing them registers their admins."""

from participants.admin import certificates, registrations

__all__ = ["certificates", "registrations"]
