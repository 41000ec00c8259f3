// Which model hosts orbit-ls may send code to. A model host receives whole functions, so a host
// named by a settings file inside the analysed repository could carry its code off the machine.
// One rule decides for every URL (orbit.ollama.host, each entry of a host list,
// orbit.openai.baseUrl): loopback addresses are trusted; any other host only when the user named
// it outside the workspace, in the environment (ORBIT_LS_MODEL_HOSTS, or OLLAMA_HOST).

/** The environment variable that allows non-loopback model hosts: "host" or "host:port", comma-separated. */
export const MODEL_HOSTS_ENV = 'ORBIT_LS_MODEL_HOSTS';

export type HostTrust =
  | { trusted: true; url: string; why: 'loopback' | 'allowed' | 'OLLAMA_HOST' }
  | { trusted: false; url: string; host: string; message: string };

/** Decides whether `url` may be contacted. Never resolves a name and never connects: the
 *  decision is on the URL as written, so a name that only resolves to loopback is not trusted. */
export function decideHostTrust(url: string, env: Record<string, string | undefined>): HostTrust {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { trusted: false, url, host: url, message: `orbit-ls did not use the model host "${url}": it is not a URL.` };
  }
  const hostname = bareHost(parsed.hostname);
  const port = effectivePort(parsed);
  if (isLoopback(hostname)) return { trusted: true, url, why: 'loopback' };
  const allowed = (env[MODEL_HOSTS_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (allowed.some((entry) => matches(entry, hostname, port))) return { trusted: true, url, why: 'allowed' };
  const ollamaHost = env.OLLAMA_HOST?.trim();
  if (ollamaHost && matches(ollamaHost, hostname, port)) return { trusted: true, url, why: 'OLLAMA_HOST' };
  const named = parsed.port ? `${hostname}:${parsed.port}` : hostname;
  return {
    trusted: false,
    url,
    host: named,
    message:
      `orbit-ls did not contact the model host ${named}: it is not a loopback address, and a settings file could name it ` +
      `to send your code off this machine. If you trust it, allow it in the environment of the editor or CI job: ` +
      `${MODEL_HOSTS_ENV}=${named}`,
  };
}

/** localhost, 127.0.0.0/8 and ::1, as written in the URL. */
export function isLoopback(hostname: string): boolean {
  const h = bareHost(hostname).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // An IPv4-mapped loopback address, as the URL parser writes it.
  return /^::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(h);
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

/** An allow-list entry: "host", "host:port", "[v6]:port" or a URL; a bare host allows any port. */
function matches(entry: string, hostname: string, port: string): boolean {
  let text = entry.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (bareHost(url.hostname) !== hostname) return false;
  // OLLAMA_HOST and allow entries without a port name the host, not one service on it.
  const explicitPort = /:\d+(\/|$)/.test(entry.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\[[^\]]*\]/, ''));
  return !explicitPort || url.port === port || (url.port === '' && effectivePort(url) === port);
}
