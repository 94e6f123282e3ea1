import mongoose from 'mongoose';
import { DatabaseUrlError } from '../errors';

/** The database name of a `mongodb://host:port/database` URL; throws `DatabaseUrlError` when missing. */
export function mongoDatabaseName(mongoUrl: string): string {
  let url: URL;
  try {
    url = new URL(mongoUrl);
  } catch {
    throw new DatabaseUrlError('MongoDB URL is not a valid URL (expected mongodb://host:27017/database)');
  }
  if (url.protocol !== 'mongodb:' && url.protocol !== 'mongodb+srv:') {
    throw new DatabaseUrlError(`MongoDB URL must start with mongodb:// (got ${url.protocol}//)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new DatabaseUrlError('MongoDB URL must name a database (mongodb://host:27017/<database>)');
  return database;
}

/** A mongoose connection (not the global one) with `autoIndex` off: indexes are created by the migrations. */
export async function connectMongo(mongoUrl: string): Promise<mongoose.Connection> {
  mongoDatabaseName(mongoUrl);
  return mongoose
    .createConnection(mongoUrl, { autoIndex: false, autoCreate: false, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
}
