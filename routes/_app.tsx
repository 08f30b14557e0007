import type { AppProps } from "../lib/web/manifest.ts";

/** The HTML shell of every page. */
export default function App({ Component, title, stylesheet }: AppProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title === "Kiln" ? "Kiln" : `${title} · Kiln`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
