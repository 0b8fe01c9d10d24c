// No browser download at install time: the e2e suites drive Debian's /usr/bin/chromium.
module.exports = { skipDownload: true };
