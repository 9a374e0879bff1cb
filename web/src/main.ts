import "./styles.css";
import { startApp } from "./app/app";
import { readConfig } from "./app/config";

startApp(document, readConfig(import.meta.env));
