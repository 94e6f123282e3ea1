import { normaliseDefault, normaliseType } from './read-table';

describe('information_schema normalisation (MariaDB 10.11 and MySQL 8 read the same)', () => {
  it('integer display widths are dropped, other widths kept', () => {
    expect(normaliseType('int(11)')).toBe('int');
    expect(normaliseType('int(10) unsigned')).toBe('int unsigned');
    expect(normaliseType('int unsigned')).toBe('int unsigned');
    expect(normaliseType('bigint(20)')).toBe('bigint');
    expect(normaliseType('varchar(255)')).toBe('varchar(255)');
    expect(normaliseType('CHAR(32)')).toBe('char(32)');
  });

  it('defaults: CURRENT_TIMESTAMP spellings, quoted strings and the text NULL', () => {
    expect(normaliseDefault('current_timestamp()')).toBe('CURRENT_TIMESTAMP');
    expect(normaliseDefault('CURRENT_TIMESTAMP')).toBe('CURRENT_TIMESTAMP');
    expect(normaliseDefault("'used'")).toBe('used');
    expect(normaliseDefault('used')).toBe('used');
    expect(normaliseDefault("'it''s'")).toBe("it's");
    expect(normaliseDefault('NULL')).toBeNull();
    expect(normaliseDefault(null)).toBeNull();
    expect(normaliseDefault('0')).toBe('0');
  });
});
