import { useEffect, useState } from 'react';
import { useIsFetching } from '@tanstack/react-query';
import { useLocation } from 'react-router';

/** A click that leads to `to` from the page at `from`: pending while that page is still shown. */
export interface PendingNavigation {
  from: string;
  to: string;
}

/**
 * A thin bar across the top while the app is working: from the click on a
 * menu item or a link until the new page is shown (react-router keeps the
 * old page up while the next one's code loads), and while any query loads
 * (shown after 300 ms, so a quick poll does not blink it). On a slow network
 * officials otherwise saw nothing for seconds and clicked again (issue 15.3).
 */
export function NavigationProgress({ menu }: { menu: PendingNavigation | null }) {
  const location = useLocation();
  const fetching = useIsFetching() > 0;
  const [clicked, setClicked] = useState<PendingNavigation | null>(null);
  const here = location.pathname + location.search;
  // a new page is shown: the click is done (so "back" to its page shows no bar)
  const [shownKey, setShownKey] = useState(location.key);
  if (shownKey !== location.key) {
    setShownKey(location.key);
    setClicked(null);
  }

  // any in-app link: its target is pending from the click on
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!a || a.getAttribute('target') === '_blank' || a.hasAttribute('download')) return;
      const url = new URL((a as HTMLAnchorElement).href, window.location.href);
      if (url.origin !== window.location.origin) return;
      setClicked({
        from: window.location.pathname + window.location.search,
        to: url.pathname + url.search,
      });
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, []);

  const pending = (p: PendingNavigation | null) => p !== null && p.from === here && p.to !== here;
  const navigating = pending(menu) || pending(clicked);
  if (!navigating && !fetching) return null;
  return (
    <div
      className={navigating ? 'nav-progress' : 'nav-progress nav-progress-late'}
      role="progressbar"
      aria-label="正在加载"
      data-testid="nav-progress"
      data-reason={navigating ? 'navigation' : 'data'}
    />
  );
}
