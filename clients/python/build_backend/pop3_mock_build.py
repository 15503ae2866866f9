"""A PEP 517 build backend for pop3-mock-client, on the standard library only.

Why not setuptools: an isolated build downloads it (no network in CI), and a
`--no-build-isolation` build with setuptools < 70.1 fails without the `wheel`
package. This package is a folder of pure-Python files, so writing the wheel
(a zip with a dist-info folder, PEP 427) and the sdist (a tar.gz) here is
short, and `pip install ./clients/python` works anywhere pip does.
"""
import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = 'pop3-mock-client'
VERSION = '0.1.0'
SUMMARY = 'Start the pop3-mock server from Python tests and drive its HTTP control API'
REQUIRES_PYTHON = '>=3.9'
PACKAGE = 'pop3_mock'
# pytest loads the fixtures of every installed package that declares a pytest11 entry point.
ENTRY_POINTS = '[pytest11]\npop3_mock = pop3_mock.pytest_plugin\n'

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, 'src', PACKAGE)
DIST_NAME = NAME.replace('-', '_')
DIST_INFO = '%s-%s.dist-info' % (DIST_NAME, VERSION)
SDIST_FILES = ['pyproject.toml', 'README.md', 'build_backend/pop3_mock_build.py']


def _metadata():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as readme:
        description = readme.read()
    return (
        'Metadata-Version: 2.1\n'
        'Name: %s\nVersion: %s\nSummary: %s\nRequires-Python: %s\nLicense: MIT\n'
        'Classifier: Framework :: Pytest\n'
        'Description-Content-Type: text/markdown\n\n%s'
    ) % (NAME, VERSION, SUMMARY, REQUIRES_PYTHON, description)


def _package_files():
    """(path in the archive, path on disk) of every file of the package, in a stable order."""
    found = []
    for folder, folders, files in os.walk(SOURCE):
        folders[:] = sorted(f for f in folders if f != '__pycache__')
        for name in sorted(files):
            if name.endswith('.pyc'):
                continue
            disk = os.path.join(folder, name)
            found.append((os.path.relpath(disk, os.path.dirname(SOURCE)).replace(os.sep, '/'), disk))
    return found


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    return '%s,sha256=%s,%d' % (path, digest, len(data))


def _write_wheel(wheel_directory, contents):
    """contents: (path in the wheel, bytes); adds the dist-info files and the RECORD."""
    contents = list(contents) + [
        (DIST_INFO + '/METADATA', _metadata().encode()),
        (DIST_INFO + '/WHEEL', b'Wheel-Version: 1.0\nGenerator: pop3_mock_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
        (DIST_INFO + '/entry_points.txt', ENTRY_POINTS.encode()),
    ]
    record = '\n'.join([_record_line(p, d) for p, d in contents] + [DIST_INFO + '/RECORD,,', ''])
    name = '%s-%s-py3-none-any.whl' % (DIST_NAME, VERSION)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), 'w', zipfile.ZIP_DEFLATED) as wheel:
        for path, data in contents + [(DIST_INFO + '/RECORD', record.encode())]:
            wheel.writestr(path, data)
    return name


def _read(disk):
    with open(disk, 'rb') as f:
        return f.read()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(path, _read(disk)) for path, disk in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # `pip install -e`: a .pth file puts src/ on sys.path, so edits show without reinstalling.
    return _write_wheel(wheel_directory, [(DIST_NAME + '.pth', (os.path.dirname(SOURCE) + '\n').encode())])


def build_sdist(sdist_directory, config_settings=None):
    base = '%s-%s' % (DIST_NAME, VERSION)
    name = base + '.tar.gz'
    files = [(f, os.path.join(ROOT, f)) for f in SDIST_FILES]
    files += [('src/' + path, disk) for path, disk in _package_files()]
    with tarfile.open(os.path.join(sdist_directory, name), 'w:gz') as sdist:
        for path, disk in files:
            sdist.add(disk, arcname='%s/%s' % (base, path))
        info = _metadata().encode()
        entry = tarfile.TarInfo('%s/PKG-INFO' % base)
        entry.size = len(info)
        sdist.addfile(entry, io.BytesIO(info))
    return name
