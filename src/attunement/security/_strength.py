"""How guessable a secret or a password is: a pattern-aware entropy estimate, not length.

``password12345678`` has sixteen characters and is among the first guesses of any cracking
dictionary. The estimate follows the idea of zxcvbn (Wheeler 2016, "zxcvbn: Low-Budget
Password Strength Estimation", 25th USENIX Security Symposium): split the value into the
patterns a guesser tries first and charge each pattern only the bits needed to pick it.
Here, in a small greedy form, reading left to right:

* a common password word (case-insensitive, :data:`COMMON_WORDS`): ``log2(len(list))``
  bits, plus 1 when it is not all lower case;
* a run of three or more characters that repeats one character (``aaaa``), counts up or
  down (``abcd``, ``4321``) or walks a keyboard row (``qwer``): ``log2(alphabet) +
  log2(run length) + 1`` bits;
* any other character: ``log2(alphabet)`` bits, where the alphabet is the union of the
  character classes the value uses (26 lower-case, 26 upper-case, 10 digits, 33 ASCII
  symbols and space; any other character adds a class of 100, an assumption);
* a value that is one block repeated (``abcabcabc``) is charged its block plus
  ``log2(repeats)``.

The rules applied (:func:`secret_problem`, :func:`password_problem`):

* **secrets** (``ATTUNE_SECRET_KEY``, each audit key) in production: at least 128
  estimated bits — the security strength NIST SP 800-57 Part 1 Rev. 5 (2020, Table 4)
  requires for keys used beyond 2030. ``secrets.token_urlsafe(32)`` gives about 256.
* **passwords**: 12 to 128 characters (OWASP ASVS 4.0 V2.1.1/V2.1.2) and at least 50
  estimated bits. The 50 is an assumption: online guessing is throttled (at most 100
  failures per account per day, see :mod:`attunement.security._policy`), so the figure
  guards a stolen Argon2id hash against an offline search, while passphrases of four
  uncommon words and random 10-character mixes pass.

The estimate refuses the guessable; it cannot prove a value random (a long English
sentence scores high). Generate secrets with ``secrets.token_urlsafe(32)``.
"""

from __future__ import annotations

import math
import string

__all__ = [
    "COMMON_WORDS",
    "PASSWORD_MIN_BITS",
    "SECRET_MIN_BITS",
    "estimated_entropy_bits",
    "password_problem",
    "secret_problem",
]

SECRET_MIN_BITS = 128.0
PASSWORD_MIN_BITS = 50.0

#: Base words that lead published lists of the most used passwords (e.g. the UK NCSC's
#: analysis of the Have I Been Pwned corpus, 2019), plus the words of this application
#: and of template configuration files.
COMMON_WORDS = frozenset(
    {
        "password",
        "passw0rd",
        "qwerty",
        "iloveyou",
        "admin",
        "administrator",
        "welcome",
        "letmein",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "sunshine",
        "princess",
        "master",
        "shadow",
        "superman",
        "michael",
        "jessica",
        "charlie",
        "trustno1",
        "login",
        "secret",
        "changeme",
        "changethis",
        "default",
        "example",
        "test",
        "testing",
        "demo",
        "insecure",
        "attunement",
        "attune",
        "clinic",
        "therapy",
        "therapist",
        "patient",
        "doctor",
        "health",
        "summer",
        "winter",
        "spring",
        "autumn",
    }
)

_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_CLASSES = (
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
    (frozenset(string.punctuation + " "), 33),
)
_OTHER_CLASS = 100  # characters outside ASCII: an assumption (see the module docstring)
_MIN_RUN = 3


def _alphabet(value: str) -> int:
    size, other = 0, False
    for members, count in _CLASSES:
        if any(ch in members for ch in value):
            size += count
    for ch in value:
        if not any(ch in members for members, _ in _CLASSES):
            other = True
            break
    return size + (_OTHER_CLASS if other else 0) or 1


def _step(a: str, b: str) -> int | None:
    """+1/-1 when ``b`` follows ``a`` in the alphabet, digits or a keyboard row."""
    a, b = a.lower(), b.lower()
    if a == b:
        return 0
    if (a.isalnum() and b.isalnum()) and abs(ord(a) - ord(b)) == 1:
        return ord(b) - ord(a)
    for row in _KEYBOARD_ROWS:
        if a in row and b in row:
            delta = row.index(b) - row.index(a)
            if abs(delta) == 1:
                return delta
    return None


def _run_length(value: str, start: int) -> int:
    """Length of the repeat/sequence/keyboard run starting at ``start`` (1: none)."""
    if start + 1 >= len(value):
        return 1
    direction = _step(value[start], value[start + 1])
    if direction is None:
        return 1
    end = start + 1
    while end + 1 < len(value) and _step(value[end], value[end + 1]) == direction:
        end += 1
    length = end - start + 1
    return length if length >= _MIN_RUN else 1


def _word_length(value: str, start: int) -> int:
    """Length of the longest common word starting at ``start`` (0: none)."""
    lowered = value.lower()
    best = 0
    for word in COMMON_WORDS:
        if len(word) > best and lowered.startswith(word, start):
            best = len(word)
    return best


def _pattern_bits(value: str, alphabet_bits: float) -> float:
    bits, index = 0.0, 0
    word_bits = math.log2(len(COMMON_WORDS))
    while index < len(value):
        word = _word_length(value, index)
        run = _run_length(value, index)
        if word and word >= run:
            piece = value[index : index + word]
            bits += word_bits + (0.0 if piece.islower() else 1.0)
            index += word
        elif run > 1:
            bits += alphabet_bits + math.log2(run) + 1.0
            index += run
        else:
            bits += alphabet_bits
            index += 1
    return bits


def _block(value: str) -> tuple[str, int]:
    """The shortest block that ``value`` repeats, and how many times (``value``, 1: none)."""
    for size in range(1, len(value) // 2 + 1):
        if len(value) % size == 0 and value[:size] * (len(value) // size) == value:
            return value[:size], len(value) // size
    return value, 1


def estimated_entropy_bits(value: str) -> float:
    """Bits a guesser needs for ``value`` under the patterns above (0 for the empty value)."""
    if not value:
        return 0.0
    alphabet_bits = math.log2(_alphabet(value))
    block, repeats = _block(value)
    extra = math.log2(repeats) if repeats > 1 else 0.0
    return _pattern_bits(block, alphabet_bits) + extra


def secret_problem(value: str) -> str | None:
    """Why ``value`` is too weak for a signing or audit key, or None."""
    bits = estimated_entropy_bits(value)
    if bits < SECRET_MIN_BITS:
        return (
            f"is guessable (about {bits:.0f} bits estimated, {SECRET_MIN_BITS:.0f} needed); "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return None


def password_problem(password: str, *, min_length: int, max_length: int) -> str | None:
    """Why ``password`` is refused (length or guessability), or None. Never quotes it."""
    if not min_length <= len(password) <= max_length:
        return f"{min_length} to {max_length} characters"
    bits = estimated_entropy_bits(password)
    if bits < PASSWORD_MIN_BITS:
        return (
            f"a less guessable password (about {bits:.0f} bits estimated, "
            f"{PASSWORD_MIN_BITS:.0f} needed): avoid common words, repeats and sequences; "
            "four unrelated words work well"
        )
    return None
