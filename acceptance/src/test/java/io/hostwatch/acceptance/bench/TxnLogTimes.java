package io.hostwatch.acceptance.bench;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.ByteBufferInputStream;
import org.apache.zookeeper.server.persistence.FileTxnLog;
import org.apache.zookeeper.server.persistence.TxnLog.TxnIterator;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * ZooKeeper's own times of a failure, read from its transaction log after the run: when it closed
 * the failing fleet's session (the transaction that deleted every ephemeral znode of the session)
 * and when it ordered each member's first verdict writes after that. Each time is the transaction's
 * header time, stamped by the ZooKeeper server when it orders the transaction, on its own clock, so
 * deletion and publication are measured alike. Unlike a watcher, the log misses no write: a
 * {@code SUSPECT} that its final verdict replaced within milliseconds is still there.
 */
final class TxnLogTimes {
    /** Time of the session's closing transaction, ms since the epoch; -1 when the log does not hold it. */
    final long sessionClosedAt;
    /** Per member, the first verdict written after the close that is not {@code RUNNING}, ms since the epoch. */
    final Map<MemberId, Long> firstPublished = new HashMap<>();
    /** Per member, the first {@code SUSPECT} written after the close. */
    final Map<MemberId, Long> suspect = new HashMap<>();
    /** Per member, the first final verdict (neither {@code RUNNING} nor {@code SUSPECT}) written after the close. */
    final Map<MemberId, Long> finalVerdict = new HashMap<>();

    private TxnLogTimes(long sessionClosedAt) {
        this.sessionClosedAt = sessionClosedAt;
    }

    /**
     * Reads the log under {@code dataDir} (the server's {@code dataDir}; the log is in its
     * {@code version-2}) for the close of {@code sessionId} and the verdicts of {@code group} after it.
     */
    static TxnLogTimes read(Path dataDir, long sessionId, String group) throws IOException {
        Path logDir = dataDir.resolve("version-2");
        if (!Files.isDirectory(logDir)) {
            throw new IOException("no ZooKeeper transaction log in " + logDir);
        }
        TxnLogTimes times = null;
        FileTxnLog log = new FileTxnLog(logDir.toFile());
        try (TxnIterator it = log.read(1)) {
            for (TxnHeader h = it.getHeader(); h != null; h = it.next() ? it.getHeader() : null) {
                if (times == null) {
                    if (h.getType() == OpCode.closeSession && h.getClientId() == sessionId) {
                        times = new TxnLogTimes(h.getTime());
                    }
                    continue;
                }
                Record txn = it.getTxn();
                if (txn instanceof MultiTxn multi) {
                    for (Txn inner : multi.getTxns()) {
                        times.inner(inner, h.getTime(), group);
                    }
                } else if (txn instanceof SetDataTxn set) {
                    times.verdict(set.getPath(), set.getData(), h.getTime(), group);
                } else if (txn instanceof CreateTxn create) {
                    times.verdict(create.getPath(), create.getData(), h.getTime(), group);
                }
            }
        } finally {
            log.close();
        }
        return times != null ? times : new TxnLogTimes(-1);
    }

    private void inner(Txn inner, long time, String group) throws IOException {
        switch (inner.getType()) {
            case OpCode.setData -> {
                SetDataTxn set = new SetDataTxn();
                ByteBufferInputStream.byteBuffer2Record(ByteBuffer.wrap(inner.getData()), set);
                verdict(set.getPath(), set.getData(), time, group);
            }
            case OpCode.create, OpCode.create2 -> {
                CreateTxn create = new CreateTxn();
                ByteBufferInputStream.byteBuffer2Record(ByteBuffer.wrap(inner.getData()), create);
                verdict(create.getPath(), create.getData(), time, group);
            }
            default -> {
                // checks, deletes, history entries' containers: not a verdict
            }
        }
    }

    private void verdict(String path, byte[] data, long time, String group) {
        MemberId id = ZkPaths.parse(ZkPaths.VERDICTS, path).orElse(null);
        if (id == null || !id.group().equals(group) || data == null || data.length == 0) {
            return;
        }
        State state = Json.read(data, Verdict.class).state();
        if (state == State.RUNNING) {
            return;
        }
        firstPublished.putIfAbsent(id, time);
        if (state == State.SUSPECT) {
            suspect.putIfAbsent(id, time);
        } else {
            finalVerdict.putIfAbsent(id, time);
        }
    }

    /** Milliseconds from the close to each of {@code ids}' time in {@code times}, for those that have one. */
    List<Long> sinceClose(Map<MemberId, Long> times, List<MemberId> ids) {
        return ids.stream().filter(times::containsKey).map(id -> times.get(id) - sessionClosedAt).toList();
    }
}
