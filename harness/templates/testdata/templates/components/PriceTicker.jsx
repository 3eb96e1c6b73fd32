import { useEffect, useRef, useState } from "react";

export function PriceTicker({ symbol }) {
  const [price, setPrice] = useState(null);
  const esRef = useRef(null);
  useEffect(() => {
    esRef.current = new EventSource(`/events?symbol=${symbol}`);
    esRef.current.addEventListener("price-update", (e) => setPrice(JSON.parse(e.data)));
    esRef.current.addEventListener('open', () => console.log("connected"));
    esRef.current.addEventListener(`error`, () => console.log("lost"));
    window.addEventListener("resize", () => {});
    return () => esRef.current.close();
  }, [symbol]);
  return <div className="ticker" sse-swap={"ticker-html"}>{price}</div>;
}

export function Status() {
  const evtSource = new EventSource("/status");
  evtSource.onmessage = (e) => console.log(e.data);
  evtSource.addEventListener('status_changed', console.log);
  document.addEventListener("htmx:sseMessage", console.log);
  return null;
}
