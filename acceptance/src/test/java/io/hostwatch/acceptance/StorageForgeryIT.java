package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agents and the service on loopback: after the victim's agent is killed, a neighbour that
 * can write the shared slot directory forges, transplants and replays (old) records in the
 * victim's slot. None of it keeps the victim FRESH (which would read PARTITIONED: host up, coordination
 * cut); while the slot is being rewritten the verdict is UNKNOWN (never actionable), and once
 * the neighbour stops, the victim is SERVICE_UNREACHABLE as any killed agent on a host that
 * answers ping.
 */
@Timeout(300)
class StorageForgeryIT {
    private static final String GROUP = "compute";
    private static final MemberId VICTIM = MemberId.of(GROUP, "forged1");
    private static final MemberId NEIGHBOUR = MemberId.of(GROUP, "nbr1");

    @TempDir
    static Path storage;
    static TestingServer zk;
    static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeeperServers.start();
        cluster = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void aNeighboursForgedAndReplayedRecordsDoNotKeepAKilledHostFresh() throws Exception {
        List<AgentProcess> agents = cluster.agents(GROUP, List.of(VICTIM.host(), NEIGHBOUR.host()),
                List.of("127.0.0.1", "127.0.0.1"));
        AgentProcess victim = agents.get(0);
        Path victimSlot = StorageRecordCodec.slot(storage, VICTIM);
        Path neighbourSlot = StorageRecordCodec.slot(storage, NEIGHBOUR);

        // Two genuine records of the victim, captured while it lives, for replay later.
        List<byte[]> genuine = new ArrayList<>();
        genuine.add(Files.readAllBytes(victimSlot));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                StorageRecordCodec.decode(read(victimSlot)).seq() > StorageRecordCodec.decode(genuine.get(0)).seq());
        genuine.add(read(victimSlot));
        // "old": the detector (reading every second) has read newer records of the victim since
        long captured = StorageRecordCodec.decode(genuine.get(1)).seq();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                StorageRecordCodec.decode(read(victimSlot)).seq() >= captured + 4);
        UUID incarnation = StorageRecordCodec.decode(genuine.get(1)).incarnation();
        assertThat(StorageRecordCodec.version(genuine.get(1))).as("agents write signed records").isEqualTo(2);

        victim.kill9();
        List<String> states = new CopyOnWriteArrayList<>();
        List<String> storageSeen = new CopyOnWriteArrayList<>();

        // The neighbour attacks for at least 10 s, and on until the verdict has been UNKNOWN for ten more
        // rounds (it is, once the victim's session has expired and it is judged again: later on a loaded
        // machine), 40 s at most: forgeries with FENCED and STOPPING, its own genuine records transplanted,
        // unsigned records, and the two old genuine records replayed.
        KeyPair forger = StorageKeys.generate();
        long start = System.nanoTime();
        long minimum = start + Duration.ofSeconds(10).toNanos();
        long deadline = start + Duration.ofSeconds(40).toNanos();
        long seq = StorageRecordCodec.decode(genuine.get(1)).seq() + 100;
        int round = 0;
        int roundsSinceUnknown = 0;
        while (System.nanoTime() - deadline < 0
                && (System.nanoTime() - minimum < 0 || roundsSinceUnknown < 10)) {
            byte[] bytes = switch (round % 5) {
                case 0 -> StorageRecordCodec.encodeSigned(record(seq++, incarnation,
                        EnumSet.of(StorageFlag.ISOLATED, StorageFlag.FENCED)), VICTIM, forger.getPrivate());
                case 1 -> read(neighbourSlot); // signed by the neighbour's own registered key
                case 2 -> StorageRecordCodec.encode(record(seq++, incarnation, Set.of(StorageFlag.STOPPING)));
                default -> genuine.get(round % 2);
            };
            put(victimSlot, bytes);
            observe(states, storageSeen);
            if (states.contains("UNKNOWN")) {
                roundsSinceUnknown++;
            }
            Thread.sleep(200);
            round++;
        }
        observe(states, storageSeen);
        assertThat(states).as("while the neighbour rewrites the slot").contains("UNKNOWN");

        await("SERVICE_UNREACHABLE once the neighbour stops").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    observe(states, storageSeen);
                    return "SERVICE_UNREACHABLE".equals(states.get(states.size() - 1));
                });
        JsonNode v = cluster.member(GROUP, VICTIM.host());
        assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("STALE");
        assertThat(v.path("evidence").path("storage").path("seq").asLong())
                .as("only the victim's own counter is reported")
                .isLessThan(StorageRecordCodec.decode(genuine.get(1)).seq() + 100);
        assertThat(v.path("evidence").path("storage").path("flags").toString()).doesNotContain("FENCED", "STOPPING");
        assertThat(v.path("actionable").asBoolean()).isFalse();

        assertThat(states).as("verdicts seen after the kill").doesNotContain("PARTITIONED", "ISOLATED", "STOPPED");
        assertThat(storageSeen).as("storage evidence once the heartbeat was lost").doesNotContain("FRESH");
        assertThat(cluster.state(GROUP, NEIGHBOUR.host())).isEqualTo("RUNNING");
    }

    /** Records the victim's verdict state, and its storage status once its heartbeat is lost. */
    private static void observe(List<String> states, List<String> storageSeen) {
        JsonNode v = cluster.member(GROUP, VICTIM.host());
        if (v == null) {
            return;
        }
        String state = v.path("state").asText();
        if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
            states.add(state);
        }
        JsonNode evidence = v.path("evidence");
        if ("LOST".equals(evidence.path("heartbeat").path("status").asText()) && evidence.has("storage")) {
            storageSeen.add(evidence.path("storage").path("status").asText());
        }
    }

    private static StorageRecord record(long seq, UUID incarnation, Set<StorageFlag> flags) {
        return new StorageRecord(seq, incarnation, flags, 1000, System.currentTimeMillis());
    }

    private static byte[] read(Path slot) {
        try {
            return Files.readAllBytes(slot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the slot as anyone with write access to the directory can. */
    private static void put(Path slot, byte[] bytes) throws IOException {
        Path temp = slot.resolveSibling(".attack-" + UUID.randomUUID() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, slot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
