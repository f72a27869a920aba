/**
 * Redis command names (redis.io/commands): for recognising inline commands, those too ambiguous to trust inline, the
 * commands whose replies the parser tells, and those after which replies no longer pair with commands.
 */

export const redisCommands: ReadonlySet<string> = new Set(
  (
    'ACL APPEND ASKING AUTH BGREWRITEAOF BGSAVE BITCOUNT BITFIELD BITFIELD_RO BITOP BITPOS BLMOVE BLMPOP BLPOP ' +
    'BRPOP BRPOPLPUSH BZMPOP BZPOPMAX BZPOPMIN CLIENT CLUSTER COMMAND CONFIG COPY DBSIZE DEBUG DECR DECRBY DEL ' +
    'DISCARD DUMP ECHO EVAL EVALSHA EVALSHA_RO EVAL_RO EXEC EXISTS EXPIRE EXPIREAT EXPIRETIME FAILOVER FCALL ' +
    'FCALL_RO FLUSHALL FLUSHDB FUNCTION GEOADD GEODIST GEOHASH GEOPOS GEORADIUS GEORADIUSBYMEMBER GEOSEARCH ' +
    'GEOSEARCHSTORE GET GETBIT GETDEL GETEX GETRANGE GETSET HDEL HELLO HEXISTS HEXPIRE HGET HGETALL HINCRBY ' +
    'HINCRBYFLOAT HKEYS HLEN HMGET HMSET HRANDFIELD HSCAN HSET HSETNX HSTRLEN HVALS INCR INCRBY INCRBYFLOAT INFO ' +
    'KEYS LASTSAVE LATENCY LCS LINDEX LINSERT LLEN LMOVE LMPOP LOLWUT LPOP LPOS LPUSH LPUSHX LRANGE LREM LSET ' +
    'LTRIM MEMORY MGET MIGRATE MODULE MONITOR MOVE MSET MSETNX MULTI OBJECT PERSIST PEXPIRE PEXPIREAT PEXPIRETIME ' +
    'PFADD PFCOUNT PFMERGE PING PSETEX PSUBSCRIBE PSYNC PTTL PUBLISH PUBSUB PUNSUBSCRIBE QUIT RANDOMKEY READONLY ' +
    'READWRITE RENAME RENAMENX REPLCONF REPLICAOF RESET RESTORE ROLE RPOP RPOPLPUSH RPUSH RPUSHX SADD SAVE SCAN ' +
    'SCARD SCRIPT SDIFF SDIFFSTORE SELECT SET SETBIT SETEX SETNX SETRANGE SHUTDOWN SINTER SINTERCARD SINTERSTORE ' +
    'SISMEMBER SLAVEOF SLOWLOG SMEMBERS SMISMEMBER SMOVE SORT SORT_RO SPOP SPUBLISH SRANDMEMBER SREM SSCAN ' +
    'SSUBSCRIBE STRLEN SUBSCRIBE SUNION SUNIONSTORE SUNSUBSCRIBE SWAPDB SYNC TIME TOUCH TTL TYPE UNLINK ' +
    'UNSUBSCRIBE UNWATCH WAIT WAITAOF WATCH XACK XADD XAUTOCLAIM XCLAIM XDEL XGROUP XINFO XLEN XPENDING XRANGE ' +
    'XREAD XREADGROUP XREVRANGE XSETID XTRIM ZADD ZCARD ZCOUNT ZDIFF ZDIFFSTORE ZINCRBY ZINTER ZINTERCARD ' +
    'ZINTERSTORE ZLEXCOUNT ZMPOP ZMSCORE ZPOPMAX ZPOPMIN ZRANDMEMBER ZRANGE ZRANGEBYLEX ZRANGEBYSCORE ZRANGESTORE ' +
    'ZRANK ZREM ZREMRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREVRANGE ZREVRANGEBYLEX ZREVRANGEBYSCORE ZREVRANK ' +
    'ZSCAN ZSCORE ZUNION ZUNIONSTORE'
  ).split(' '),
);

/**
 * Names that other text protocols also send as a first line: memcached (get, set, append, incr, decr, touch,
 * quit), NATS (PING), FTP/POP3/SMTP (TYPE, AUTH, QUIT), WebDAV (MOVE, COPY), HTTP-ish INFO probes. An inline
 * command with one of these names alone is not evidence of Redis.
 */
export const ambiguousInline: ReadonlySet<string> = new Set(
  'GET SET APPEND INCR DECR TOUCH QUIT PING INFO TYPE AUTH MOVE COPY TIME ECHO'.split(' '),
);

/**
 * Commands that act on the server rather than on its data (Redis's @admin and @dangerous ACL categories, less the
 * ones clients send for themselves, and scripts): the parser tells their replies' outcome as `redis-reply` events.
 */
export const serverCommands: ReadonlySet<string> = new Set(
  (
    'ACL BGREWRITEAOF BGSAVE CLUSTER CONFIG DEBUG EVAL EVAL_RO EVALSHA EVALSHA_RO FAILOVER FCALL FCALL_RO FLUSHALL ' +
    'FLUSHDB FUNCTION MIGRATE MODULE REPLICAOF RESTORE SAVE SCRIPT SHUTDOWN SLAVEOF SWAPDB'
  ).split(' '),
);

/**
 * Commands after which the server no longer answers one reply per command: a subscription (RESP2 answers each
 * channel, then sends messages; RESP3 answers with pushes), MONITOR's and a replica's streams (SYNC, PSYNC send the
 * dataset as a bulk string without its CRLF). CLIENT REPLY OFF and SKIP, which silence replies, are told by `silences`.
 */
export const unpairingCommands: ReadonlySet<string> = new Set(
  'SUBSCRIBE PSUBSCRIBE SSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE MONITOR SYNC PSYNC'.split(' '),
);

/** `CLIENT REPLY OFF` or `CLIENT REPLY SKIP`: the server leaves the next replies out. */
export const silences = (command: string, args: readonly string[]): boolean =>
  command === 'CLIENT' && (args[0] ?? '').toUpperCase() === 'REPLY' && (args[1] ?? '').toUpperCase() !== 'ON';

/**
 * Commands whose arguments the server runs as code or takes as its configuration: scripts (EVAL, SCRIPT LOAD),
 * function libraries, modules, settings, a master to replicate. Their arguments are kept whole (up to the command's
 * 64 KiB) for detectors to judge: padding before a script's escape hid it past the 1 KiB other arguments keep (ADR 36).
 */
export const wholeArgumentCommands: ReadonlySet<string> = new Set(
  'CONFIG EVAL EVAL_RO FUNCTION MODULE REPLICAOF SCRIPT SLAVEOF'.split(' '),
);
