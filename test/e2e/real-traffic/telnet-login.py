"""A Telnet client (Python's telnetlib) that tries one login with a wrong password and reads the refusal."""
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)  # telnetlib is deprecated (PEP 594) but still a real client
import telnetlib  # noqa: E402

with telnetlib.Telnet("127.0.0.1", int(sys.argv[1]), timeout=20) as session:
    session.read_until(b"login: ", timeout=20)
    session.write(b"alice\r\n")
    session.read_until(b"Password: ", timeout=20)
    session.write(b"not-her-password\r\n")
    # login(1) waits FAIL_DELAY (3 s by default) before saying so.
    print(session.read_until(b"incorrect", timeout=20).decode("latin1").strip().splitlines()[-1])
