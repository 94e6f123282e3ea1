// Run once by the mongo image (/docker-entrypoint-initdb.d) when it starts on an empty data directory, as the root
// user: creates the apps' user with readWrite on the `bytemark` database only (what MONGO_URL in docker-compose.yml
// authenticates as, authSource=bytemark). Name and password come from the compose environment.
/* global db, print, process */
const user = process.env.MONGO_APP_USERNAME;
const pwd = process.env.MONGO_APP_PASSWORD;
if (!user || !pwd) throw new Error('create-app-user.js: MONGO_APP_USERNAME and MONGO_APP_PASSWORD must be set');
db.getSiblingDB('bytemark').createUser({ user, pwd, roles: [{ role: 'readWrite', db: 'bytemark' }] });
print(`create-app-user.js: created ${user} with readWrite on bytemark`);
