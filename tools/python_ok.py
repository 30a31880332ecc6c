"""Exit 0 if this Python can install the course's exact lock (3.11 to 3.13), else say which versions can and exit 1.

The Makefile runs it with each candidate interpreter (`python3.11 tools/python_ok.py`), so it must
itself run on any Python 3: no f-strings with `=`, no imports beyond the standard library.
"""
import sys

LOWEST, HIGHEST = (3, 11), (3, 13)  # requirements.txt's exact versions have wheels for these (numpy 2.4, keras 3.15, ... need 3.11)


def main():
    """Print the interpreter's version and whether it is supported; return the exit status."""
    found = "%d.%d" % sys.version_info[:2]
    if LOWEST <= tuple(sys.version_info[:2]) <= HIGHEST:
        print("Python %s at %s: supported" % (found, sys.executable))
        return 0
    print("Python %s at %s is not supported: GAN Classroom runs on Python %d.%d to %d.%d; "
          "set PYTHON=/path/to/python3.12 (or another of them)" % ((found, sys.executable) + LOWEST + HIGHEST),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
