package org.classchain.mods.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The GNU build id of an ELF executable: the hash the linker wrote into its
 * {@code NT_GNU_BUILD_ID} note, which stays the same when the file is copied, renamed or has bytes
 * appended (what changes its SHA-256), and differs between builds. Reads only the ELF header, the
 * program headers and the note segments; anything else (a script, a PE file, a truncated ELF)
 * has none.
 */
final class ElfBuildId {
    private static final int PT_NOTE = 4;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int MAX_PROGRAM_HEADERS = 256;
    private static final int MAX_NOTES_BYTES = 64 * 1024;

    private ElfBuildId() {
    }

    /** {@return {@code file}'s build id in lower-case hex, or empty when it has none} */
    static Optional<String> of(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer ident = read(ch, 0, 64);
            if (ident.limit() < 52 || ident.getInt(0) != 0x7f454c46) { // "\x7fELF", read big-endian
                return Optional.empty();
            }
            boolean is64 = ident.get(4) == 2;
            ByteOrder order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer h = ident.order(order);
            long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
            int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
            int phnum = Math.min(MAX_PROGRAM_HEADERS, Short.toUnsignedInt(h.getShort(is64 ? 56 : 44)));
            for (int i = 0; i < phnum; i++) {
                ByteBuffer ph = read(ch, phoff + (long) i * phentsize, phentsize).order(order);
                if (ph.limit() < (is64 ? 48 : 32) || ph.getInt(0) != PT_NOTE) {
                    continue;
                }
                long offset = is64 ? ph.getLong(8) : Integer.toUnsignedLong(ph.getInt(4));
                long size = is64 ? ph.getLong(32) : Integer.toUnsignedLong(ph.getInt(16));
                Optional<String> id = buildId(read(ch, offset, (int) Math.min(size, MAX_NOTES_BYTES)).order(order));
                if (id.isPresent()) {
                    return id;
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The build id among the notes of one segment: namesz, descsz, type, name and desc each padded to 4. */
    private static Optional<String> buildId(ByteBuffer notes) {
        int at = 0;
        while (at + 12 <= notes.limit()) {
            int namesz = notes.getInt(at);
            int descsz = notes.getInt(at + 4);
            int type = notes.getInt(at + 8);
            if (namesz < 0 || descsz < 0 || namesz > notes.limit() || descsz > notes.limit()) {
                return Optional.empty();
            }
            int name = at + 12;
            int desc = name + align(namesz);
            if (desc + descsz > notes.limit()) {
                return Optional.empty();
            }
            if (type == NT_GNU_BUILD_ID && namesz == 4 && notes.get(name) == 'G' && notes.get(name + 1) == 'N'
                    && notes.get(name + 2) == 'U' && descsz > 0) {
                byte[] id = new byte[descsz];
                notes.get(desc, id);
                return Optional.of(HexFormat.of().formatHex(id));
            }
            at = desc + align(descsz);
        }
        return Optional.empty();
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, length));
        while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
            // until full or the end of the file
        }
        return b.flip();
    }
}
