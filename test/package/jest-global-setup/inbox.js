// What both test files share: the code under test (a tiny fetcher) and its account.
const Pop3Command = require('node-pop3');

/** Fetches every message (node-pop3 returns them dot-stuffed, without the final CRLF) and deletes them. */
async function fetchAndDelete({ host, port, user, password }) {
  const client = new Pop3Command({ host, port, user, password, timeout: 5000 });
  try {
    const messages = [];
    for (const [number] of await client.UIDL()) {
      messages.push(await client.RETR(Number(number)));
      await client.DELE(Number(number));
    }
    await client.QUIT();
    return messages;
  } catch (error) {
    // No QUIT after a failure: the server deletes nothing (no UPDATE).
    client._socket?.destroy();
    throw error;
  }
}

module.exports = { fetchAndDelete };
