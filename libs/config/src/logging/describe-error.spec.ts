import { MAX_CAUSE_DEPTH, describeError, formatError, redactSecrets } from './describe-error';

const PASSWORD = 'S3cret-pw';

/** Shaped like umzug's MigrationError around a Sequelize DatabaseError around a mysql2 error. */
function migrationFailure(): Error {
  const driver = Object.assign(new Error("Table 'bytemark_tokens' already exists"), {
    code: 'ER_TABLE_EXISTS_ERROR',
    sql: `INSERT INTO t VALUES ('${PASSWORD}')`,
  });
  const sequelizeError = Object.assign(new Error(driver.message), {
    name: 'SequelizeDatabaseError',
    parent: driver,
    original: driver,
    sql: driver.sql,
    parameters: [PASSWORD],
  });
  const migration = {
    name: '0001_create_bytemark_tokens',
    context: { config: { password: PASSWORD, username: 'u' }, options: { password: PASSWORD } },
  };
  return Object.assign(
    new Error('Migration 0001_create_bytemark_tokens (up) failed: Original error: already exists', {
      cause: sequelizeError,
    }),
    { name: 'MigrationError', migration, jse_cause: sequelizeError },
  );
}

describe('describeError', () => {
  it('keeps type, code, message and the cause chain, and never the password the context or the SQL carry', () => {
    const described = describeError(migrationFailure());
    expect(described).toEqual({
      type: 'MigrationError',
      message: 'Migration 0001_create_bytemark_tokens (up) failed: Original error: already exists',
      cause: {
        type: 'SequelizeDatabaseError',
        message: "Table 'bytemark_tokens' already exists",
        cause: { type: 'Error', code: 'ER_TABLE_EXISTS_ERROR', message: "Table 'bytemark_tokens' already exists" },
      },
    });
    expect(JSON.stringify(described)).not.toContain(PASSWORD);
  });

  it('prints one line per error in the chain', () => {
    expect(formatError(migrationFailure())).toEqual([
      'MigrationError: Migration 0001_create_bytemark_tokens (up) failed: Original error: already exists',
      "  caused by: SequelizeDatabaseError: Table 'bytemark_tokens' already exists",
      "  caused by: Error [ER_TABLE_EXISTS_ERROR]: Table 'bytemark_tokens' already exists",
    ]);
  });

  it('a cause cycle or a thrown non-error does not hang or leak', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(formatError(b)).toEqual(['Error: b', '  caused by: Error: a']);
    expect(describeError({ password: PASSWORD })).toEqual({
      type: 'NonError',
      message: 'non-error value of type object',
    });
  });
});

describe('describeError: other drivers and known secrets', () => {
  it('keeps a numeric driver code and a typed failure kind, and removes the secrets it is given', () => {
    const mongo = Object.assign(
      new Error('E11000 duplicate key error collection: db.t index: token_1 dup key: { token: "tok-9" }'),
      {
        name: 'MongoServerError',
        code: 11000,
        errorResponse: { keyValue: { token: 'tok-9' } },
      },
    );
    const failure = Object.assign(new Error(`cannot decrypt with key ${PASSWORD}`, { cause: mongo }), {
      name: 'ApplicationFailure',
      type: 'TokenDecryptionError',
    });
    expect(describeError(failure, { secrets: [PASSWORD] })).toEqual({
      type: 'ApplicationFailure',
      kind: 'TokenDecryptionError',
      message: 'cannot decrypt with key ***',
      cause: {
        type: 'MongoServerError',
        code: 11000,
        message: 'E11000 duplicate key error collection: db.t index: token_1 dup key: { *** }',
      },
    });
    expect(formatError(failure, { secrets: [PASSWORD] })[0]).toBe(
      'ApplicationFailure (TokenDecryptionError): cannot decrypt with key ***',
    );
  });

  it('a cause chain longer than the bound ends at the bound', () => {
    let error = new Error('e0');
    for (let i = 1; i < 20; i++) error = new Error(`e${i}`, { cause: error });
    expect(formatError(error)).toHaveLength(MAX_CAUSE_DEPTH + 1);
  });
});

describe('redactSecrets', () => {
  it('removes URL passwords and the values MySQL quotes into its messages', () => {
    expect(redactSecrets(`cannot reach mysql://btc:${PASSWORD}@db:3306/bytemark`)).toBe(
      'cannot reach mysql://btc:***@db:3306/bytemark',
    );
    expect(redactSecrets("Duplicate entry 'tok-secret' for key 'token_idx'")).toBe(
      "Duplicate entry '***' for key 'token_idx'",
    );
    expect(redactSecrets("Incorrect string value: '\\xF0\\x9F' for column 'note' at row 1")).toBe(
      "Incorrect string value: '***' for column 'note' at row 1",
    );
    expect(redactSecrets("Truncated incorrect DOUBLE value: 'tok-secret'")).toBe(
      "Truncated incorrect DOUBLE value: '***'",
    );
    expect(redactSecrets("You have an error in your SQL syntax; near 'pw123')' at line 1")).toBe(
      "You have an error in your SQL syntax; near '***' at line 1",
    );
    expect(redactSecrets("Access denied for user 'btc'@'localhost' (using password: YES)")).toBe(
      "Access denied for user 'btc'@'localhost' (using password: YES)",
    );
  });
});
