"""Prints the messages of a maildir as JSON, decoded by Python's own email parser: what a mail
client would show (from, to, subject, message id, and the plain-text body)."""
import json
import mailbox
import sys
from email.header import decode_header, make_header


def header(message, name):
    return str(make_header(decode_header(message[name]))) if message[name] else None


messages = []
for message in mailbox.Maildir(sys.argv[1], create=False):
    body = message.get_payload(decode=True) or b""
    messages.append({
        "from": header(message, "From"),
        "to": header(message, "To"),
        "subject": header(message, "Subject"),
        "message_id": header(message, "Message-ID"),
        "content_type": message.get_content_type(),
        "body": body.decode(message.get_content_charset() or "utf-8"),
    })
messages.sort(key=lambda m: m["message_id"] or "")
json.dump(messages, sys.stdout, ensure_ascii=False)
