# SPDX-License-Identifier: LGPL-2.1-or-later
"""numaclaims.errors: libclaims' -errno results as Python exceptions.

Every error is an Error, an OSError with .errno, .strerror and .op (the
libclaims call that failed); the ones a builder acts on have their own
class:

  ClaimRefused     ENOMEM: the claim set (or populate) does not fit now;
                   nothing was installed: claim less or elsewhere
  NoSuchDomain     ESRCH
  NoPool           ENOENT from a call on an open device: a node without
                   a pool
  ModuleNotLoaded  ENOENT/ENODEV/ENXIO from open: modprobe numaclaims
  NotPermitted     EPERM/EACCES: root (CAP_SYS_ADMIN) only

A size or claim spec that does not parse is a ParseError, a ValueError
with .errno (EINVAL, ERANGE or E2BIG) and libclaims' message
(claims_parse_size(3)), the one claimctl prints.

A refused claim set's message says why, as claimctl does: "Cannot
allocate memory: node 0 has only 120 MiB unclaimed, 100 GiB asked; claim
less or on another node" (claims_claim_diagnose(3) on the state read
after the failure).

The message of an open error is claims_strerror()'s (the cause and the
fix); of any other call os.strerror()'s, as claims_strerror() describes
only opening the device.
"""
import errno
import os


class Error(OSError):
    """A libclaims call failed: .errno, .strerror, .op."""

    def __init__(self, err, message, op):
        super().__init__(err, message)
        self.op = op

    def __str__(self):
        return "%s: %s (%s)" % (self.op, self.strerror, errno.errorcode.get(self.errno, self.errno))


class ParseError(ValueError):
    """A size or claim spec refused by libclaims' parser: .errno and the
    message claimctl gives for the same text."""

    def __init__(self, message, err):
        super().__init__(message)
        self.errno = err


class ClaimRefused(Error):
    """ENOMEM: the claim (or the memory) does not fit the host now."""


class NoSuchDomain(Error):
    """ESRCH: no such domain."""


class NoPool(Error):
    """ENOENT from a call: a node without a pool."""


class ModuleNotLoaded(Error):
    """The numaclaims module is not loaded (no /dev/numaclaims)."""


class NotPermitted(Error):
    """EPERM/EACCES: root only."""


_BY_ERRNO = {
    errno.ENOMEM: ClaimRefused,
    errno.ESRCH: NoSuchDomain,
    errno.ENOENT: NoPool,
    errno.EPERM: NotPermitted,
    errno.EACCES: NotPermitted,
}
_OPEN_NOT_LOADED = (errno.ENOENT, errno.ENODEV, errno.ENXIO)


def error_from(ret, op, why=None):
    """The exception for libclaims result RET (-errno, or errno) of call OP;
    WHY, libclaims' diagnosis (claims_claim_diagnose()), follows the errno's
    text in the message."""
    err = -ret if ret < 0 else ret
    if why:
        return _BY_ERRNO.get(err, Error)(err, "%s: %s" % (os.strerror(err), why), op)
    if op == "open":
        from . import _claims  # claims_strerror(): the cause and the fix
        cls = ModuleNotLoaded if err in _OPEN_NOT_LOADED else _BY_ERRNO.get(err, Error)
        if cls is NoPool:
            cls = Error
        return cls(err, _claims.strerror(-err), op)
    if op == "node_cores":  # sysfs, not the device: ENOENT is no such node
        return Error(err, os.strerror(err), op)
    return _BY_ERRNO.get(err, Error)(err, os.strerror(err), op)
