import type { VNode } from "preact";
import { SiteFooter, SiteHeader } from "../components/SiteChrome.tsx";

/** Header, main landmark and footer shared by every page. */
export default function Layout({ Component, url }: { Component: () => VNode; url: URL }) {
  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <SiteHeader path={url.pathname} />
      <main id="main">
        <div class="inner">
          <Component />
        </div>
      </main>
      <SiteFooter />
    </>
  );
}
