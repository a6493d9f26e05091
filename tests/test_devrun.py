"""`make run`'s address (issue 20, item 1): HOST and PORT choose it, a taken port stops devrun before anything
starts with a message naming the variable to set, and the banner and the web process use the real address."""

import io
import os
import socket
import subprocess

import pytest
from django.core.management import CommandError, call_command

from devdata.management.commands import devrun
from devdata.management.commands.devrun import Address, port_taken, resolve_address
from tests.conftest import ROOT


def test_the_address_comes_from_host_and_port_then_the_defaults():
    assert resolve_address(environ={}) == Address("127.0.0.1", 8000)
    assert resolve_address(environ={"PORT": "8123"}) == Address("127.0.0.1", 8123)
    assert resolve_address(environ={"PORT": " 8123 ", "HOST": "0.0.0.0"}) == Address("0.0.0.0", 8123)
    # An option given on the command line wins over the environment.
    assert resolve_address("127.0.0.2", 9001, environ={"PORT": "8123", "HOST": "0.0.0.0"}) == Address("127.0.0.2", 9001)
    assert resolve_address(environ={"PORT": ""}) == Address("127.0.0.1", 8000)


def test_the_banner_url_and_the_bind_argument_of_an_address():
    assert Address("127.0.0.1", 8123).url == "http://127.0.0.1:8123/"
    assert Address("127.0.0.1", 8123).bind == "127.0.0.1:8123"
    # Listening everywhere: the browser on this machine goes to the loopback address.
    assert Address("0.0.0.0", 8000).url == "http://127.0.0.1:8000/"
    assert Address("::", 8000).bind == "[::]:8000"
    assert Address("::", 8000).url == "http://[::1]:8000/"


@pytest.mark.parametrize("raw", ["eighty", "0", "70000", "80.5"])
def test_a_malformed_port_names_the_variable(raw):
    with pytest.raises(CommandError, match="set PORT to an integer"):
        resolve_address(environ={"PORT": raw})


@pytest.fixture
def busy_port():
    """A port some other program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_port_check_finds_a_listening_socket(busy_port):
    assert port_taken(Address("127.0.0.1", busy_port))
    assert port_taken(Address("127.0.0.1", _free_port())) is None


def test_an_unknown_host_is_reported_as_such():
    assert "HOST=" in port_taken(Address("no-such-host.invalid", 8000))


def test_devrun_stops_on_a_busy_port_before_migrating_or_starting_honcho(busy_port, monkeypatch):
    started = []
    monkeypatch.setattr(devrun, "call_command", lambda *a, **k: started.append(a))
    monkeypatch.setattr(devrun.subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.setenv("PORT", str(busy_port))
    monkeypatch.delenv("HOST", raising=False)
    with pytest.raises(CommandError) as caught:
        call_command("devrun")
    message = str(caught.value)
    assert f"127.0.0.1:{busy_port}" in message
    assert f"PORT={busy_port + 1} make run" in message
    assert caught.value.returncode == 3
    assert started == []  # no migration, no demo load, no honcho: nothing to stop


class _Honcho:
    calls = []

    def __init__(self, args, cwd, env):
        self.calls.append(env)

    def wait(self):
        return 0


@pytest.mark.django_db
def test_devrun_serves_on_the_port_of_the_environment_and_says_so(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = str(tmp_path)
    port = _free_port()
    monkeypatch.setattr(devrun, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(devrun.subprocess, "Popen", _Honcho)
    monkeypatch.setenv("PORT", str(port))
    _Honcho.calls.clear()
    out = io.StringIO()
    call_command("devrun", stdout=out)
    assert f"Site:      http://127.0.0.1:{port}/" in out.getvalue()
    (env,) = _Honcho.calls
    monkeypatch.undo()  # the real subprocess.Popen again
    assert env["WEB_BIND"] == f"127.0.0.1:{port}"
    # The Procfile's web line runs runserver on exactly that address (and on PORT when started by hand).
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = web.removeprefix("web:").replace("python manage.py runserver", "echo")
    echo = subprocess.run(["sh", "-c", command], env={"PATH": os.environ["PATH"], "WEB_BIND": env["WEB_BIND"]},
                          capture_output=True, text=True, check=True)
    assert echo.stdout.strip() == f"127.0.0.1:{port}"
    by_hand = subprocess.run(["sh", "-c", command], env={"PATH": os.environ["PATH"], "PORT": "8124"},
                             capture_output=True, text=True, check=True)
    assert by_hand.stdout.strip() == "127.0.0.1:8124"
