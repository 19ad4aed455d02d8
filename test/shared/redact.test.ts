// redactText: each kind of secret it recognises, what it leaves alone, and that it is idempotent.
import { describe, expect, it } from 'vitest';
import { hasSecret, redactingLog, redactText } from '../../src/shared/redact.ts';

const cases: Array<[string, string]> = [
  // credentials in URLs
  ['https://user:pa55w0rd@prom.example.com/api', 'https://user:***@prom.example.com/api'],
  ['http://ci:s3cr%40t@jenkins:8080/cc.xml', 'http://ci:***@jenkins:8080/cc.xml'],
  ['https://ghp_abcdef123456@github.com/x.git', 'https://***@github.com/x.git'],
  ['Get "http://u:p@10.0.0.1:9100/metrics": connection refused', 'Get "http://u:***@10.0.0.1:9100/metrics": connection refused'],
  // query-string tokens
  ['https://h/x?token=abc&b=1', 'https://h/x?token=***&b=1'],
  ['https://h/x?a=1&access_token=abc#f', 'https://h/x?a=1&access_token=***#f'],
  ['https://h/x?api_key=abc&key=def&password=ghi&apikey=j&private_token=k', 'https://h/x?api_key=***&key=***&password=***&apikey=***&private_token=***'],
  ['https://s3/x?X-Amz-Signature=abc&sig=d&client_secret=e', 'https://s3/x?X-Amz-Signature=***&sig=***&client_secret=***'],
  // webhook URLs whose path is the key
  ['https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/***'],
  ['https://discord.com/api/webhooks/123/abcDEF', 'https://discord.com/api/webhooks/***'],
  ['https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y', 'https://acme.webhook.office.com/***'],
  ['https://chat.example.com/hooks/xyz123', 'https://chat.example.com/hooks/***'],
  ['https://hooks.zapier.com/hooks/catch/1/abc/', 'https://hooks.zapier.com/hooks/***'],
  // bearer / basic
  ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer ***'],
  ['authorization: Basic dXNlcjpwYXNz', 'authorization: Basic ***'],
];

describe('redactText', () => {
  it.each(cases)('%s', (input, want) => {
    expect(redactText(input)).toBe(want);
    expect(redactText(want)).toBe(want);
    expect(hasSecret(input)).toBe(true);
  });

  it('leaves text without secrets alone', () => {
    for (const s of ['http://127.0.0.1:9100/metrics', 'https://h/x?a=1&b=two', 'scraping https://h/metrics every 15s', 'mail me at a@b.c', 'rate(http_requests_total[5m])']) {
      expect(redactText(s)).toBe(s);
      expect(hasSecret(s)).toBe(false);
    }
  });

  it('a redacting log writes the redacted line', () => {
    const lines: string[] = [];
    redactingLog((l) => lines.push(l))('scraping https://u:hunter2@h/metrics every 15s');
    expect(lines).toEqual(['scraping https://u:***@h/metrics every 15s']);
  });
});
