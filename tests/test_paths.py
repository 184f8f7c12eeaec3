"""netui's own reading of the user folders agrees with platformdirs' in every environment."""

from __future__ import annotations

import platformdirs
import pytest

from netui.core import paths


@pytest.mark.parametrize("xdg", [None, "", "relative/dir", "/abs/xdg", "/abs/xdg/"])
@pytest.mark.parametrize("home", [None, "", "rel-home", "/home/ann", "/home/ann/"])
def test_the_user_folders_are_platformdirs_own(monkeypatch, xdg, home):
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home)
    assert str(paths.user_data_dir()) == str(platformdirs.user_data_dir("netui"))
    assert str(paths.user_config_dir()) == str(platformdirs.user_config_dir("netui"))
