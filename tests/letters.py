"""Letters in the tests: send what is queued as the worker would, a mail server that is down
(a local port nobody listens on) and one that takes letters (a small SMTP server in a thread)."""

import email
import email.policy
import socket
import socketserver
import threading

from speakers import letters
from speakers.models import Letter


def deliver_letters():
    """Run the letters' task for every queued letter, here and now, so that `mail.outbox` holds
    them. (The task through the real backend and its worker: tests/speakers/test_letters.py.)"""
    for pk in Letter.objects.filter(status=Letter.Status.QUEUED).values_list("pk", flat=True):
        letters.send.call(pk)


def closed_port():
    """A local TCP port that nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_mailers(port):
    """MAILERS that send by SMTP to 127.0.0.1:`port`."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


class MailServer(socketserver.ThreadingTCPServer):
    """An SMTP server on 127.0.0.1 that accepts every letter into `received` (email messages).

    The standard library has no SMTP server since Python 3.12; this speaks the part of the
    protocol that smtplib uses without extensions (no TLS, no login)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPSession)
        self.port = self.server_address[1]
        self.received = []

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class SMTPSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost test SMTP")
        for line in self.rfile:
            command = line.decode().strip().upper()
            if command.startswith("DATA"):
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.received.append(self.read_data())
                self.reply("250 OK: queued")
            elif command.startswith("QUIT"):
                self.reply("221 Bye")
                return
            else:  # EHLO, HELO, MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 OK")

    def read_data(self):
        lines = []
        for line in self.rfile:
            if line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return email.message_from_bytes(b"".join(lines), policy=email.policy.default)
