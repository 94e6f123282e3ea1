import { QueryTypes, type Sequelize } from 'sequelize';
import { BytemarkTokensMaintenance } from './bytemark-tokens-maintenance';
import { BytemarkTokensRepository, tokenBinding } from './bytemark-tokens.repository';
import { TokenColumnTooNarrowError, TokenDecryptionError, TokenStorageModeError } from '../errors';
import { TEST_TOKEN_KEYRING, assertTestSchema, encryptV1, openTestConnections, truncateMysqlTables } from '../testing';
import { TokenCipher } from './token-cipher';

describe('BytemarkTokensRepository and BytemarkTokensMaintenance (MariaDB)', () => {
  let conns: Awaited<ReturnType<typeof openTestConnections>>;
  let sequelize: Sequelize;
  let repo: BytemarkTokensRepository;
  let maintenance: BytemarkTokensMaintenance;
  const cipher = TokenCipher.fromKeyring(TEST_TOKEN_KEYRING);

  const rawRow = async (userId: number) => {
    const [row] = await sequelize.query<{ password: string; token: string | null }>(
      'SELECT password, token FROM bytemark_tokens WHERE user_id = ?',
      { replacements: [userId], type: QueryTypes.SELECT },
    );
    return row;
  };
  const insertPlaintext = (userId: number, password: string, token: string | null) =>
    sequelize.query('INSERT INTO bytemark_tokens (user_id, email, password, token) VALUES (?, ?, ?, ?)', {
      replacements: [userId, `mp.${userId}@mail.connectsmartx.com`, password, token],
    });

  beforeAll(async () => {
    conns = await openTestConnections();
    sequelize = conns.sequelize;
    await assertTestSchema(sequelize);
    repo = new BytemarkTokensRepository(sequelize, cipher);
    maintenance = new BytemarkTokensMaintenance(sequelize, cipher);
  });
  beforeEach(() => truncateMysqlTables(sequelize));
  afterAll(() => conns.close());

  it('stores password and token encrypted and reads them back decrypted', async () => {
    await repo.upsertAccount({
      userId: 7,
      email: 'mp.7@mail.connectsmartx.com',
      password: 'pw12ab34cd56',
      token: 'tok-7',
    });
    const raw = await rawRow(7);
    expect(raw?.password).toMatch(/^enc:v2:t2:/);
    expect(raw?.token).toMatch(/^enc:v2:t2:/);
    expect(raw?.password).not.toContain('pw12ab34cd56');
    expect(await repo.findByUserId(7)).toEqual({
      userId: 7,
      email: 'mp.7@mail.connectsmartx.com',
      password: 'pw12ab34cd56',
      token: 'tok-7',
      status: 'used',
    });
  });

  it('upsertAccount updates the existing row of the user, and updateToken writes ciphertext', async () => {
    await repo.upsertAccount({ userId: 8, email: 'a@x', password: 'p1', token: null });
    await repo.upsertAccount({ userId: 8, email: 'b@x', password: 'p2', token: 't1' });
    await repo.updateToken(8, 'fresh-token');
    expect(await repo.findByUserId(8)).toMatchObject({ email: 'b@x', password: 'p2', token: 'fresh-token' });
    expect((await rawRow(8))?.token).not.toContain('fresh-token');
    expect(await repo.findByUserId(999)).toBeNull();
  });

  it('a legacy plaintext row written by the original platform is recognised and used', async () => {
    await insertPlaintext(11, 'legacyPass1', 'legacy-token-11');
    expect(await repo.findByUserId(11)).toMatchObject({
      password: 'legacyPass1',
      token: 'legacy-token-11',
      status: 'used',
    });
  });

  it('a row without a password (an adopted table allows one) has no credentials for a re-login', async () => {
    await insertPlaintext(13, '', 'legacy-token-13');
    expect(await repo.findCredentials(13)).toBeNull();
    expect(await repo.findToken(13)).toBe('legacy-token-13');
  });

  it('encrypting in place refuses, changing nothing, when an encrypted value would not fit its column', async () => {
    // 400 characters fit password's 512 as plaintext; encrypted (about 4/3 of it, plus the prefix) they do not.
    await insertPlaintext(14, 'p'.repeat(400), 'legacy-token-14');
    const before = await sequelize.query('SELECT * FROM bytemark_tokens', { type: QueryTypes.SELECT });
    await expect(maintenance.finishEncryption({ execute: true })).rejects.toThrow(TokenColumnTooNarrowError);
    await expect(maintenance.encryptLegacyRows({ execute: true })).rejects.toThrow(
      /password is 512 characters wide, the longest encrypted value needs 5\d\d/,
    );
    expect(await sequelize.query('SELECT * FROM bytemark_tokens', { type: QueryTypes.SELECT })).toEqual(before);
  });

  it('a row encrypted under a key the keyring does not have fails clearly, naming the key id', async () => {
    const foreign = new BytemarkTokensRepository(
      sequelize,
      TokenCipher.fromKeyring(`k9:${Buffer.alloc(32, 9).toString('base64')}`),
    );
    await foreign.upsertAccount({ userId: 12, email: 'e', password: 'secret-pw', token: 'secret-token' });
    await expect(repo.findByUserId(12)).rejects.toThrow(TokenDecryptionError);
    await expect(repo.findByUserId(12)).rejects.toThrow(/key id 'k9'/);
  });

  it('encrypt-legacy changes nothing without execute, encrypts with it, and the raw columns never hold the plaintext afterwards', async () => {
    await insertPlaintext(21, 'plainPw21', 'plain-token-21');
    await insertPlaintext(22, 'plainPw22', null);
    await repo.upsertAccount({ userId: 23, email: 'e', password: 'already', token: 'already-token' });
    const before = await sequelize.query('SELECT * FROM bytemark_tokens ORDER BY id', { type: QueryTypes.SELECT });

    const dry = await maintenance.encryptLegacyRows({ execute: false });
    expect(dry).toEqual({ scanned: 3, toEncrypt: 2, encrypted: 0, userIds: [21, 22] });
    expect(await sequelize.query('SELECT * FROM bytemark_tokens ORDER BY id', { type: QueryTypes.SELECT })).toEqual(
      before,
    );

    const run = await maintenance.encryptLegacyRows({ execute: true, batchSize: 2 });
    expect(run).toEqual({ scanned: 3, toEncrypt: 2, encrypted: 2, userIds: [21, 22] });
    const raw21 = await rawRow(21);
    expect(raw21?.password).toMatch(/^enc:v2:/);
    expect(raw21?.token).toMatch(/^enc:v2:/);
    expect(raw21?.password).not.toContain('plainPw21');
    expect(raw21?.token).not.toContain('plain-token-21');
    expect((await rawRow(22))?.token).toBeNull();
    expect(await repo.findByUserId(21)).toMatchObject({ password: 'plainPw21', token: 'plain-token-21' });

    expect(await maintenance.encryptLegacyRows({ execute: true })).toMatchObject({ toEncrypt: 0, encrypted: 0 });
  });

  it('findToken decrypts the token once and leaves the password alone', async () => {
    await repo.upsertAccount({ userId: 31_101, email: 'e', password: 'pw-31101', token: 'tok-31101' });
    await repo.upsertAccount({ userId: 31_102, email: 'e', password: 'pw-31102', token: null });
    const decrypt = jest.spyOn(cipher, 'decrypt');
    try {
      expect(await repo.findToken(31_101)).toBe('tok-31101');
      expect(decrypt).toHaveBeenCalledTimes(1);
      expect(await repo.findToken(31_102)).toBeNull();
      expect(await repo.findToken(31_199)).toBeNull();
      expect(decrypt).toHaveBeenCalledTimes(1);
    } finally {
      decrypt.mockRestore();
    }
  });

  it('checkKeyring decrypts one value per key id in use and names a key id it cannot decrypt', async () => {
    expect((await repo.checkKeyring()).keyIds).toEqual([]);
    const older = new BytemarkTokensRepository(
      sequelize,
      TokenCipher.fromKeyring(`t1:${Buffer.alloc(32, 1).toString('base64')}`),
    );
    await older.upsertAccount({ userId: 31_111, email: 'e', password: 'p', token: 't' });
    await repo.upsertAccount({ userId: 31_112, email: 'e', password: 'p', token: 't' });
    const check = await repo.checkKeyring();
    expect(check.currentKeyId).toBe('t2');
    expect(check.keyIds.map((k) => [k.keyId, k.values, k.ok])).toEqual([
      ['t1', 2, true],
      ['t2', 2, true],
    ]);
    const newOnly = new BytemarkTokensRepository(
      sequelize,
      TokenCipher.fromKeyring(`t2:${Buffer.alloc(32, 2).toString('base64')}`),
    );
    await expect(newOnly.assertKeyringDecrypts('The worker refuses to start with it')).rejects.toThrow(
      /cannot decrypt the stored Bytemark tokens: decryption of a stored value \(user 31111\) failed .*key id 't1'/,
    );
  });

  it("a token or password copied from user A's row into B's fails to decrypt for B, naming B's row, and A's still works", async () => {
    await repo.upsertAccount({ userId: 31_141, email: 'a@x', password: 'pw-of-a-1234', token: 'tok-of-a' });
    await repo.upsertAccount({ userId: 31_142, email: 'b@x', password: 'pw-of-b-1234', token: 'tok-of-b' });
    const a = await rawRow(31_141);
    await sequelize.query('UPDATE bytemark_tokens SET password = ?, token = ? WHERE user_id = ?', {
      replacements: [a?.password, a?.token, 31_142],
    });
    await expect(repo.findToken(31_142)).rejects.toThrow(TokenDecryptionError);
    await expect(repo.findToken(31_142)).rejects.toThrow(
      /value of bytemark_tokens\.token of user 31142 could not be decrypted .*another row or column/,
    );
    await expect(repo.findCredentials(31_142)).rejects.toThrow(/bytemark_tokens\.password of user 31142/);
    // The token column's value moved into the password column fails too.
    await sequelize.query('UPDATE bytemark_tokens SET password = token WHERE user_id = ?', { replacements: [31_141] });
    await expect(repo.findCredentials(31_141)).rejects.toThrow(/bytemark_tokens\.password of user 31141/);
    expect(await repo.findToken(31_141)).toBe('tok-of-a');
  });

  it('rotate upgrades v1 values (unbound, under the current key too) to v2 bound to their row, and v1 reads until then', async () => {
    const t2 = Buffer.alloc(32, 2).toString('base64');
    const t1 = Buffer.alloc(32, 1).toString('base64');
    for (const [userId, keyId, keyB64] of [
      [31_151, 't2', t2],
      [31_152, 't1', t1],
    ] as const) {
      await sequelize.query('INSERT INTO bytemark_tokens (user_id, email, password, token) VALUES (?, ?, ?, ?)', {
        replacements: [
          userId,
          'e',
          encryptV1(`pw-${userId}`, keyId, keyB64),
          encryptV1(`tok-${userId}`, keyId, keyB64),
        ],
      });
    }
    expect(await repo.findToken(31_151)).toBe('tok-31151');
    expect(await maintenance.rotateKeys({ execute: false })).toMatchObject({ toReencrypt: 2, underCurrentKey: 0 });
    expect(await maintenance.rotateKeys({ execute: true })).toMatchObject({ toReencrypt: 2, reencrypted: 2 });
    for (const userId of [31_151, 31_152]) {
      const raw = await rawRow(userId);
      expect(raw?.password).toMatch(/^enc:v2:t2:/);
      expect(raw?.token).toMatch(/^enc:v2:t2:/);
      expect(await repo.findCredentials(userId)).toEqual({ email: 'e', password: `pw-${userId}` });
      expect(await repo.findToken(userId)).toBe(`tok-${userId}`);
    }
    expect(await maintenance.rotateKeys({ execute: false })).toMatchObject({ underCurrentKey: 2, toReencrypt: 0 });
    // Bound now: the upgraded value no longer passes for another user.
    await sequelize.query(
      'UPDATE bytemark_tokens SET token = (SELECT token FROM (SELECT token FROM bytemark_tokens WHERE user_id = ?) x) WHERE user_id = ?',
      {
        replacements: [31_151, 31_152],
      },
    );
    await expect(repo.findToken(31_152)).rejects.toThrow(TokenDecryptionError);
  });

  it('rotate never overwrites a row a concurrent writer changed between its read and its write', async () => {
    const older = new BytemarkTokensRepository(
      sequelize,
      TokenCipher.fromKeyring(`t1:${Buffer.alloc(32, 1).toString('base64')}`),
    );
    for (const userId of [31_121, 31_122])
      await older.upsertAccount({ userId, email: 'e', password: 'p', token: 'old' });
    // The re-login lands while rotate is between its read and its write of user 31121.
    const query = sequelize.query.bind(sequelize);
    let raced = false;
    const spy = jest.spyOn(sequelize, 'query').mockImplementation(((sql: string, options?: object) => {
      if (!raced && typeof sql === 'string' && sql.startsWith('UPDATE bytemark_tokens SET password')) {
        raced = true;
        return repo.updateToken(31_121, 'fresh-relogin').then(() => query(sql, options));
      }
      return query(sql, options);
    }) as typeof sequelize.query);
    try {
      const report = await maintenance.rotateKeys({ execute: true });
      expect(report).toMatchObject({ scanned: 2, toReencrypt: 2, reencrypted: 1, changedMeanwhile: 1, failed: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(await repo.findToken(31_121)).toBe('fresh-relogin');
    expect(await maintenance.rotateKeys({ execute: true })).toMatchObject({
      underCurrentKey: 1,
      toReencrypt: 1,
      reencrypted: 1,
    });
    expect(await maintenance.rotateKeys({ execute: false })).toMatchObject({ underCurrentKey: 2, toReencrypt: 0 });
  });

  it('a re-login that read expand mode commits before finish-encryption switches the mode: no plaintext is left behind', async () => {
    const modeRow = () =>
      sequelize.query<{ value: string }>(`SELECT value FROM btc_settings WHERE name = 'token_storage_mode'`, {
        type: QueryTypes.SELECT,
      });
    const [before] = await modeRow();
    await sequelize.query(
      `INSERT INTO btc_settings (name, value) VALUES ('token_storage_mode', 'expand') ON DUPLICATE KEY UPDATE value = 'expand'`,
    );
    // The re-login's write is held for 500 ms after it read the mode, as a slow writer would be.
    const query = sequelize.query.bind(sequelize);
    let held: (() => void) | undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const spy = jest.spyOn(sequelize, 'query').mockImplementation(((sql: string, options?: object) => {
      if (typeof sql === 'string' && sql.startsWith('UPDATE bytemark_tokens SET token')) {
        held?.();
        return new Promise((r) => setTimeout(r, 500)).then(() => query(sql, options));
      }
      return query(sql, options);
    }) as typeof sequelize.query);
    try {
      await insertPlaintext(31_131, 'pw31131Ab12', 'tok-31131');
      const relogin = repo.updateToken(31_131, 'tok-31131-relogin');
      await holding;
      spy.mockRestore();
      const report = await maintenance.finishEncryption({ execute: true });
      await relogin;
      expect(report.plaintextLeft).toBe(0);
      const row = await rawRow(31_131);
      expect(row?.token).toMatch(/^enc:v2:/);
      expect(cipher.decrypt(row!.token!, tokenBinding(31_131, 'token'))).toBe('tok-31131-relogin');
      expect(
        await sequelize.query('SELECT user_id FROM bytemark_tokens_encrypted', { type: QueryTypes.SELECT }),
      ).toEqual([]);
    } finally {
      spy.mockRestore();
      await sequelize.query(`UPDATE btc_settings SET value = ? WHERE name = 'token_storage_mode'`, {
        replacements: [before?.value ?? 'encrypted-only'],
      });
    }
  });

  it('without a token_storage_mode row (an adopted database) it refuses to write or check tokens, naming the setting, and writes nothing', async () => {
    const [before] = await sequelize.query<{ value: string }>(
      `SELECT value FROM btc_settings WHERE name = 'token_storage_mode'`,
      { type: QueryTypes.SELECT },
    );
    // The original platform's row: plaintext, which its other services read.
    await insertPlaintext(31_201, 'pw31201Ab12', 'tok-31201');
    await sequelize.query(`DELETE FROM btc_settings WHERE name = 'token_storage_mode'`);
    try {
      const refused = /btc_settings has no token_storage_mode row.*writes no token.*'expand'.*'encrypted-only'/s;
      await expect(repo.updateToken(31_201, 'tok-31201-relogin')).rejects.toThrow(refused);
      await expect(
        repo.upsertAccount({ userId: 31_202, email: 'new@x', password: 'pw', token: 'tok-31202' }),
      ).rejects.toThrow(refused);
      await expect(repo.checkKeyring()).rejects.toThrow(TokenStorageModeError);
      await expect(repo.storageReport()).rejects.toThrow(TokenStorageModeError);
      expect(await rawRow(31_201)).toEqual({ password: 'pw31201Ab12', token: 'tok-31201' });
      expect(await rawRow(31_202)).toBeUndefined();

      await sequelize.query(`INSERT INTO btc_settings (name, value) VALUES ('token_storage_mode', 'contract')`);
      await expect(repo.updateToken(31_201, 'tok-31201-relogin')).rejects.toThrow(
        /token_storage_mode 'contract', which is neither 'expand' nor 'encrypted-only'/,
      );
    } finally {
      await sequelize.query(
        `INSERT INTO btc_settings (name, value) VALUES ('token_storage_mode', ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`,
        { replacements: [before?.value ?? 'encrypted-only'] },
      );
    }
  });

  it('lists token users in ascending pages after a cursor and counts them', async () => {
    for (const userId of [5, 3, 9, 1])
      await repo.upsertAccount({ userId, email: 'e', password: 'p', token: `t${userId}` });
    await repo.upsertAccount({ userId: 4, email: 'e', password: 'p', token: null });
    expect(await repo.listTokenUserIds({ afterUserId: 0, limit: 2 })).toEqual([1, 3]);
    expect(await repo.listTokenUserIds({ afterUserId: 3, limit: 10 })).toEqual([5, 9]);
    expect(await repo.countTokenUsers()).toBe(4);
  });
});
