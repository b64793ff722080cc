import { describe, expect, it } from 'vitest';
import { maskArgs, maskSecrets, maskUrl } from '../../src/core/mask-secrets.ts';

describe('maskUrl', () => {
  it('replaces the password in the userinfo and keeps everything else', () => {
    expect(maskUrl('postgres://aims:s3cret@db.example:5432/aims?sslmode=require')).toBe(
      'postgres://aims:***@db.example:5432/aims?sslmode=require',
    );
    expect(maskUrl('postgresql://:only-password@host/db')).toBe('postgresql://:***@host/db');
  });

  it('masks a password with an unescaped @ or : in it entirely', () => {
    expect(maskUrl('postgres://u:p@ss:w@host/db')).toBe('postgres://u:***@host/db');
  });

  it('masks password= query parameters', () => {
    expect(maskUrl('postgres://host/db?user=u&password=pw&sslmode=require')).toBe('postgres://host/db?user=u&password=***&sslmode=require');
    expect(maskUrl('postgres://host/db?sslpassword=key-pw')).toBe('postgres://host/db?sslpassword=***');
  });

  it('leaves URLs without a password as they are', () => {
    for (const url of ['postgres://aims@127.0.0.1:5432/postgres', 'https://example.com/a@b', './data/aims.db', 'file:aims.db?mode=ro'])
      expect(maskUrl(url)).toBe(url);
  });
});

describe('maskSecrets and maskArgs', () => {
  it('mask every URL inside a text, such as an error message', () => {
    expect(maskSecrets('Unexpected argument "postgres://u:pw@h/db" and mysql://root:toor@x/y')).toBe(
      'Unexpected argument "postgres://u:***@h/db" and mysql://root:***@x/y',
    );
  });

  it('mask an argument that holds a URL with credentials, with or without --option=', () => {
    expect(maskArgs(['db', 'copy', '--to', 'postgres://u:pw@host/db', '--from=postgres://a:b@c/d', 'plain'])).toEqual([
      'db',
      'copy',
      '--to',
      'postgres://u:***@host/db',
      '--from=postgres://a:***@c/d',
      'plain',
    ]);
  });
});
