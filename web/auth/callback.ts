import { readConfig } from '../config.js';
import { t } from '../i18n.js';
import { completeSignIn, configureSignIn, type SignInConfig } from './session.js';

// The page the provider sends the browser back to (/auth/callback?code=...&state=...): it
// trades the code for tokens and goes back where sign-in started, without the code in the
// address (location.replace leaves no history entry with it).
const { signIn } = readConfig<{ signIn: SignInConfig | null }>();
const status = document.getElementById('status')!;
configureSignIn(signIn);
status.textContent = t('auth.completing');
completeSignIn(new URL(location.href))
  // Only a path on this origin (the tab wrote it itself, but a path is all it may be).
  .then((returnTo) => location.replace(/^\/(?!\/)/.test(returnTo) ? returnTo : '/dashboard'))
  .catch((error: Error) => {
    status.textContent = t('auth.failed', { message: error.message });
    status.setAttribute('role', 'alert');
    const back = document.createElement('a');
    back.href = '/dashboard';
    back.textContent = t('auth.backToDashboard');
    status.after(back);
  });
