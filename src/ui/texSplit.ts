/** Splits text at `$…$` into plain runs and TeX runs (a `\$` stays a dollar sign). */
export function splitTex(text: string): { readonly tex: boolean; readonly body: string }[] {
  const runs: { tex: boolean; body: string }[] = [];
  const pattern = /(?<!\\)\$([^$]+)\$/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) runs.push({ tex: false, body: text.slice(last, match.index) });
    runs.push({ tex: true, body: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ tex: false, body: text.slice(last) });
  return runs.map((run) => (run.tex ? run : { ...run, body: run.body.replaceAll('\\$', '$') }));
}
