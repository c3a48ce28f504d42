package org.classchain.mods;

import java.util.ArrayList;
import java.util.List;
import org.classchain.spi.host.NoticeService;

/** Notices a module posted, as "title|text". */
final class RecordingNotices implements NoticeService {
    final List<String> notices = new ArrayList<>();

    @Override
    public void notice(String title, String text) {
        notices.add(title + "|" + text);
    }
}
