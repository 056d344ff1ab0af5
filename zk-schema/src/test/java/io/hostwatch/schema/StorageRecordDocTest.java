package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code docs/storage-record.md} agrees with {@link StorageRecordCodec} and the golden fixture. */
@Timeout(10)
class StorageRecordDocTest {
    private static final String DOC = "storage-record.md";
    private static final Pattern RECORD_HEX = Pattern.compile("\\b[0-9a-f]{" + 2 * StorageRecordCodec.LENGTH + "}\\b");
    private static final Pattern SIGNED_HEX = Pattern.compile("\\b[0-9a-f]{" + 2 * StorageRecordCodec.LENGTH_V2
            + "}\\b");
    private static final String V1_TABLE = "| offset | bytes | value |";
    private static final String V2_TABLE = "| offset | bytes | value (version 2) |";

    private static String doc;

    @BeforeAll
    static void readDoc() {
        doc = TestFiles.doc(DOC);
    }

    @Test
    void hexInTheDocIsTheGoldenFixture() {
        String fixture = TestFiles.fixtureText("storage-record-v1.hex").strip();
        List<String> found = new ArrayList<>();
        Matcher m = RECORD_HEX.matcher(doc);
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).as("48-byte hex records in docs/%s", DOC).isNotEmpty().allMatch(fixture::equals);
    }

    @Test
    void signedHexInTheDocIsTheSignedGoldenFixture() {
        String fixture = TestFiles.fixtureText("storage-record-v2.hex").strip();
        List<String> found = new ArrayList<>();
        Matcher m = SIGNED_HEX.matcher(doc);
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).as("112-byte hex records in docs/%s", DOC).isNotEmpty().allMatch(fixture::equals);
        assertThat(doc).contains(TestKeys.GOLDEN_PUBLIC);
    }

    @Test
    void fieldByFieldTableSpellsTheFixture() {
        assertThat(tableBytes(V1_TABLE)).isEqualTo(TestFiles.fixtureText("storage-record-v1.hex").strip());
    }

    @Test
    void fieldByFieldTableOfVersion2SpellsTheSignedFixture() {
        assertThat(tableBytes(V2_TABLE)).isEqualTo(TestFiles.fixtureText("storage-record-v2.hex").strip());
    }

    /** The bytes spelled by the offset table under {@code header}, checking each row's offset. */
    private static String tableBytes(String header) {
        assertThat(doc).contains(header);
        StringBuilder bytes = new StringBuilder();
        int expectedOffset = 0;
        boolean inTable = false;
        for (String line : doc.split("\n")) {
            String row = line.strip();
            if (row.equals(header)) {
                inTable = true;
                continue;
            }
            if (!inTable || row.startsWith("|---")) {
                continue;
            }
            if (!row.startsWith("|")) {
                break;
            }
            String[] cells = row.substring(1, row.length() - 1).split("\\|");
            assertThat(Integer.parseInt(cells[0].strip())).as("offset of row '%s'", row).isEqualTo(expectedOffset);
            Matcher pair = Pattern.compile("\\b[0-9a-f]{2}\\b").matcher(cells[1]);
            while (pair.find()) {
                bytes.append(pair.group());
                expectedOffset++;
            }
        }
        return bytes.toString();
    }

    @Test
    void formatTableIsTheCodecJavadoc() {
        String source = TestFiles.mainSource(StorageRecordCodec.class);
        String pre = source.substring(source.indexOf("<pre>") + "<pre>".length(), source.indexOf("</pre>"));
        List<String> docLines = doc.lines().map(StorageRecordDocTest::normalize).toList();
        List<String> javadocLines = pre.lines().map(l -> l.replaceFirst("^\\s*\\*", ""))
                .map(StorageRecordDocTest::normalize).filter(l -> !l.isEmpty()).toList();
        assertThat(javadocLines).hasSizeGreaterThanOrEqualTo(10);
        assertThat(docLines).as("docs/%s repeats the format table of StorageRecordCodec's Javadoc", DOC)
                .containsAll(javadocLines);
    }

    @Test
    void namesTheSlotPathAndTheJudgement() {
        assertThat(doc).contains("<storage root>/<group>/<host>" + StorageRecordCodec.SUFFIX)
                .contains("monotonic").contains("3 s").contains("fsync").contains("rename")
                .contains("same directory").contains("STALE").contains("UNKNOWN").contains("FRESH")
                .contains("CREATE_NEW").contains("NOFOLLOW_LINKS").contains("strictly increasing")
                .contains("Ed25519").contains("storageKey");
    }

    private static String normalize(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }
}
