"""A TGT asked for with a clock that is off: `kerberos-skewed-tgt.py PORT OFFSET USER PASSWORD REALM`.

Impacket's getKerberosTGT (Debian's python3-impacket) with every time it reads shifted by OFFSET seconds, so its
PA-ENC-TIMESTAMP is that far from the KDC's clock; the KDC is at 127.0.0.1:PORT (Impacket dials port 88 only, so
its address lookup is pointed there). Prints `ok`, or the error code of the KRB-ERROR the KDC answered with.
"""
import datetime
import socket
import sys
import types

from impacket.krb5 import constants, kerberosv5
from impacket.krb5.types import Principal

port, offset, user, password, realm = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

real_getaddrinfo = socket.getaddrinfo
socket.getaddrinfo = lambda host, _port, *rest: real_getaddrinfo("127.0.0.1", port, *rest)


class Skewed(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return datetime.datetime.utcnow() + datetime.timedelta(seconds=offset)


kerberosv5.datetime = types.SimpleNamespace(datetime=Skewed, timedelta=datetime.timedelta)
name = Principal(user, type=constants.PrincipalNameType.NT_PRINCIPAL.value)
try:
    kerberosv5.getKerberosTGT(name, password, realm, "", "", kdcHost="127.0.0.1")
    print("ok")
except kerberosv5.KerberosError as error:
    print(error.getErrorCode())
