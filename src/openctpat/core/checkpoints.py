"""What anchors the audit trail outside the database: the audit key and signed checkpoints.

The SHA-256 chain shows a row that was changed or removed in the middle, but someone who
can write to the database can also delete the newest rows, or edit a row and recompute
every later hash, and the chain still links up. Two things keyed with ``CTPAT_AUDIT_KEY``
(a setting from the environment, never stored in the database) close that:

- every entry carries a MAC of its hash (``AuditEntry.mac``). The hash covers the entry's
  content and the previous hash, so a recomputed hash needs a new MAC that only the key
  can make;
- checkpoints of each chain's head (chain, seq, hash, time, MAC over all four) are written
  to the media store, ``audit-checkpoints/<chain>/<seq>.json``, never overwritten; they go
  to the owners in the daily reminder email and can be downloaded from the audit page. A
  chain that ends before a checkpoint's entry was cut short; one whose entry at that
  position has another hash was rewritten.

A checkpoint read back from the store is only believed when its MAC verifies.
"""

import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

ROOT = "audit-checkpoints"
FORMAT = "openctpat-audit-checkpoint/1"
MAX_BYTES = 4096  # a checkpoint file is ~300 bytes; anything larger is not one
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FILE = re.compile(r"\d{12}(_\w+)?\.json")  # a suffix: two writers at once


def _keys() -> list[bytes]:
    """The current key first, then retired ones (what they signed still verifies)."""
    key = getattr(settings, "CTPAT_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("Set CTPAT_AUDIT_KEY: it signs the audit trail.")
    return [k.encode() for k in [key, *getattr(settings, "CTPAT_AUDIT_PREVIOUS_KEYS", [])]]


def _mac(key: bytes, purpose: str, message: str) -> str:
    return hmac.new(key, f"{purpose}\n{message}".encode(), hashlib.sha256).hexdigest()


def _matches(purpose: str, message: str, mac: str) -> bool:
    return any(hmac.compare_digest(_mac(k, purpose, message), mac) for k in _keys())


def entry_mac(entry_hash: str) -> str:
    return _mac(_keys()[0], "entry", entry_hash)


def entry_mac_matches(entry_hash: str, mac: str) -> bool:
    return _matches("entry", entry_hash, mac)


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: chain ``chain`` had entry ``seq`` with hash ``hash`` at ``at``."""

    chain: str
    seq: int
    hash: str
    at: str
    mac: str = ""

    def _message(self) -> str:
        return json.dumps([self.chain, self.seq, self.hash, self.at], separators=(",", ":"))

    @classmethod
    def sign(cls, chain: str, seq: int, entry_hash: str, at=None) -> "Checkpoint":
        at = (at or timezone.now()).astimezone(UTC).isoformat(timespec="seconds")
        unsigned = cls(chain, seq, entry_hash, at)
        return cls(chain, seq, entry_hash, at, _mac(_keys()[0], "checkpoint", unsigned._message()))

    @property
    def signed(self) -> bool:
        return bool(self.mac) and _matches("checkpoint", self._message(), self.mac)

    @property
    def label(self) -> str:
        """How a report names it: position, time and the start of the hash."""
        when = self.at.replace("T", " ").replace("+00:00", " UTC")
        return f"entry {self.seq} of {when} (hash {self.hash[:12]}…)"

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text) -> "Checkpoint":
        """Parse a checkpoint file; ValueError says what is wrong with it (not its MAC)."""
        if isinstance(text, bytes):
            if len(text) > MAX_BYTES:
                raise ValueError("This file is too large to be an audit checkpoint.")
            text = text.decode("utf-8", errors="replace")
        try:
            data = json.loads(text)
        except ValueError:
            raise ValueError("This is not an audit checkpoint (not JSON).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("This is not an audit checkpoint exported by OpenCTPAT.")
        chain, seq, entry_hash, at, mac = (
            data.get(k) for k in ("chain", "seq", "hash", "at", "mac")
        )
        if not (
            isinstance(chain, str)
            and isinstance(seq, int)
            and not isinstance(seq, bool)
            and seq >= 1
            and isinstance(entry_hash, str)
            and _HEX64.fullmatch(entry_hash)
            and isinstance(at, str)
            and isinstance(mac, str)
        ):
            raise ValueError("This audit checkpoint is incomplete or damaged.")
        return cls(chain, seq, entry_hash, at, mac)


def _directory(chain: str) -> str:
    return f"{ROOT}/{chain.replace(':', '-')}"


def _chain_of(directory: str) -> str:
    kind, _, rest = directory.partition("-")
    return f"{kind}:{rest}" if rest else kind


def name(checkpoint: Checkpoint) -> str:
    return f"{_directory(checkpoint.chain)}/{checkpoint.seq:012d}.json"


def save(checkpoint: Checkpoint) -> str:
    """Write a checkpoint once; one already stored for that entry is left as it is."""
    path = name(checkpoint)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(checkpoint.to_json().encode()))
    return path


def _listdir(path: str) -> tuple[list[str], list[str]]:
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


def stored(chain: str) -> tuple[list[Checkpoint], list[str]]:
    """The chain's checkpoints whose MAC verifies (by position), and the files that do not."""
    good: list[Checkpoint] = []
    bad: list[str] = []
    directory = _directory(chain)
    for filename in sorted(_listdir(directory)[1]):
        path = f"{directory}/{filename}"
        try:
            with default_storage.open(path, "rb") as handle:
                checkpoint = Checkpoint.from_json(handle.read(MAX_BYTES + 1))
        except (OSError, ValueError):
            bad.append(path)
            continue
        in_place = _FILE.fullmatch(filename) and filename.startswith(f"{checkpoint.seq:012d}")
        if checkpoint.signed and checkpoint.chain == chain and in_place:
            good.append(checkpoint)
        else:
            bad.append(path)
    good.sort(key=lambda c: c.seq)
    return good, bad


def stored_chains() -> list[str]:
    """Chains that have checkpoints (a chain whose rows were all deleted still has these)."""
    return sorted(_chain_of(d) for d in _listdir(ROOT)[0])


def parse_signed(raw) -> Checkpoint:
    """A checkpoint someone kept (a download, an email's JSON block), with its MAC checked;
    ValueError says, for that person, what is wrong with it."""
    checkpoint = Checkpoint.from_json(raw)
    if not checkpoint.signed:
        raise ValueError(
            "The checkpoint's signature does not match this installation's audit key: it "
            "was altered, or signed by another installation."
        )
    return checkpoint
