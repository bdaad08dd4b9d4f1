// A certified OpenID Connect provider (panva/node-oidc-provider) for Kring's single sign-on
// tests. One client ("kring"), a few school accounts, a plain login form of our own (the
// library's development pages load web fonts), consent granted on the client's behalf, and
// RP-initiated logout (end_session_endpoint) on.
//
// Environment: PORT, CLIENT_REDIRECT_URIS and POST_LOGOUT_REDIRECT_URIS (space-separated).
// Prints "ready <issuer>" on stdout once it listens.
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 9400);
const issuer = `http://127.0.0.1:${port}`;
const split = (value) => (value || '').split(/\s+/).filter(Boolean);

const ACCOUNTS = {
  docent1: { name: 'Anna de Vries', given_name: 'Anna', family_name: 'de Vries', email: 'docent1@school.test' },
  student7: { name: 'Bram Yilmaz', given_name: 'Bram', family_name: 'Yilmaz', email: 'student7@school.test' },
};
const PASSWORD = 'school-wachtwoord';

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'kring',
      client_secret: 'kring-test-secret',
      redirect_uris: split(process.env.CLIENT_REDIRECT_URIS),
      post_logout_redirect_uris: split(process.env.POST_LOGOUT_REDIRECT_URIS),
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // The profile claims travel in the ID token itself (Kring reads the name from it).
  conformIdTokenClaims: false,
  cookies: { keys: ['kring-test-cookie-key'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Uitloggen bij de school', `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, log mij uit</button><button type="submit" form="op.logoutForm">Nee, blijf ingelogd</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Uitgelogd', '<p>Je bent uitgelogd bij de school.</p>');
      },
    },
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fout bij de school', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});
provider.proxy = false;

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (ctx.method === 'POST') {
      const form = await readForm(ctx.req);
      const login = form.get('login') || '';
      if (ACCOUNTS[login] && form.get('password') === PASSWORD) {
        ctx.respond = false;
        await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        return undefined;
      }
    }
    ctx.type = 'html';
    ctx.body = page('Inloggen bij de school', `<form method="post" action="/interaction/${escape(match[1])}">
<p><label for="login">Gebruikersnaam</label> <input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Wachtwoord</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Inloggen</button></p></form>`);
    return undefined;
  }
  // Consent: the school has agreed to Kring on its members' behalf.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  const grantId = await grant.save();
  ctx.respond = false;
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  return undefined;
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
