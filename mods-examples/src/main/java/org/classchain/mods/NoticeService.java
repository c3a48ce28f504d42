package org.classchain.mods;

/**
 * Where a headless peer puts what it would have shown on screen (its log and a notices file).
 * A peer provides it as a host service; modules fall back to standard error without one.
 */
public interface NoticeService {

    /** Records a notice for the person at this computer. */
    void notice(String title, String text);
}
