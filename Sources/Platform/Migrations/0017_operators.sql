-- Operators: users who may open the operator page (/admin) with their normal log-in. Granted
-- and revoked with `mediadaemon users grant-operator|revoke-operator NAME`; checked on every
-- operator request (UserService.isOperator), so a revocation holds at once on every daemon.
-- Additive: an older daemon ignores the column.
ALTER TABLE users ADD COLUMN is_operator boolean NOT NULL DEFAULT false;
